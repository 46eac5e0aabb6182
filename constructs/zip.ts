/**
 * A minimal, deterministic ZIP writer (stored entries, no compression): the same files always give the same bytes, so
 * an archive built at synth time (a canary's code) changes in the Terraform only when its content does. Follows the
 * PKWARE APPNOTE: local file headers, the data, a central directory and its end record; DOS time fixed at 1980-01-01.
 */
import { crc32 } from "node:zlib";

/** One file of the archive: its path inside it (forward slashes) and its content. */
export interface ZipEntry {
  readonly path: string;
  readonly content: string | Buffer;
}

/** Entries above this are refused: stored entries without ZIP64 fields must stay well under 4 GiB, and ours are tiny. */
const MAX_ENTRY_BYTES = 16 * 1024 * 1024;
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;

/** The archive's bytes. */
export function storedZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    if (!/^[\w.-]+(\/[\w.-]+)*$/.test(entry.path)) throw new Error(`zip entry path "${entry.path}" must be relative, with forward slashes`);
    const name = Buffer.from(entry.path, "utf8");
    const data = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content, "utf8");
    if (data.length > MAX_ENTRY_BYTES) throw new Error(`zip entry "${entry.path}" is ${data.length} bytes; at most ${MAX_ENTRY_BYTES}`);
    const crc = (crc32 as (data: Buffer) => number)(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10); // time 00:00:00
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100644 << 16) >>> 0), 38); // external attributes: a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
