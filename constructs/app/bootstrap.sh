#!/bin/bash
# shellcheck shell=bash
#
# MediCare Hub app instance bootstrap (Amazon Linux 2023).
#
# constructs/app/user-data.ts renders this file into the launch template's user data after a preamble that exports
# the settings checked below. It installs a small MediCare Hub web service serving HTTPS (TLS 1.2+, with a key and
# self-signed certificate made on this instance at boot) on APP_PORT with a shallow /health (200 while the process
# serves; the load balancer's HTTPS health check), mounts the shared EFS file system over TLS when the instance is
# tagged with one, and ships the bootstrap, cloud-init, app (JSON lines) and console logs to CloudWatch, the agent
# first. Every wait is bounded: a bootstrap that cannot finish fails, the instance never turns healthy, and the Auto
# Scaling Group replaces it.
set -euo pipefail

: "${MEDICARE_HUB_ENVIRONMENT:?set by the user-data preamble}"
: "${AWS_REGION:?set by the user-data preamble}"
: "${APP_PORT:?set by the user-data preamble}"
: "${APP_LOG_GROUP:?set by the user-data preamble}"
: "${BOOTSTRAP_DEADLINE_SECONDS:?set by the user-data preamble}"

readonly APP_USER=medicare-hub
readonly APP_DIR=/opt/medicare-hub
readonly LOG_DIR=/var/log/medicare-hub
# Fixed mount point of the shared file system: the app finds shared files here on every instance, in every AZ.
readonly DATA_DIR=/mnt/medicare-hub
readonly BOOTSTRAP_LOG="${LOG_DIR}/bootstrap.log"
# The instance's own TLS key and certificate, made below: readable by the app user only, never printed.
readonly TLS_DIR="${APP_DIR}/tls"
readonly TLS_KEY="${TLS_DIR}/instance.key"
readonly TLS_CERT="${TLS_DIR}/instance.crt"
readonly IMDS=http://169.254.169.254/latest

mkdir -p "${LOG_DIR}"
exec > >(tee -a "${BOOTSTRAP_LOG}") 2>&1
echo "bootstrap of MediCare Hub ${MEDICARE_HUB_ENVIRONMENT} starting at $(date --iso-8601=seconds)"

# A failed bootstrap says so in its log; if the CloudWatch agent is not running yet, the log is shipped by hand.
agent_running() {
  /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a status 2>/dev/null | grep -q '"status": "running"'
}
# Without the agent (not installed yet, or its install failed), the last lines of the bootstrap log go to CloudWatch
# through the AWS CLI.
ship_log_without_agent() {
  local stream="${INSTANCE_ID:-unknown}/bootstrap-failed" events
  events="$(tail -n 200 "${BOOTSTRAP_LOG}" | python3 -c 'import json, sys, time; print(json.dumps([{"timestamp": int(time.time() * 1000), "message": sys.stdin.read()[-200000:] or "(empty)"}]))')"
  aws logs create-log-stream --region "${AWS_REGION}" --log-group-name "${APP_LOG_GROUP}" --log-stream-name "${stream}" || true
  aws logs put-log-events --region "${AWS_REGION}" --log-group-name "${APP_LOG_GROUP}" --log-stream-name "${stream}" \
    --log-events "${events}"
}
on_exit() {
  local status=$?
  if ((status != 0)); then
    echo "bootstrap FAILED (exit ${status}) at $(date --iso-8601=seconds)"
    if ! agent_running; then
      ship_log_without_agent || echo "could not ship the bootstrap log either" >&2
    fi
  fi
}
trap on_exit EXIT

# IMDSv2 only (the launch template requires tokens).
imds() {
  local token
  token="$(curl -fsS --max-time 5 -X PUT "${IMDS}/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")"
  curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: ${token}" "${IMDS}/$1"
}

# An instance tag through instance metadata, or nothing when the instance has no such tag.
instance_tag() {
  imds "meta-data/tags/instance/$1" 2>/dev/null || true
}

# Every wait of the bootstrap goes through retry, and each attempt and pause is cut to what is left of the deadline
# (bash's SECONDS counts from the script's start). The group's health-check grace period is derived from the same
# deadline (constructs/app-tier.ts), so a bootstrap that is going to succeed is never replaced for being slow, and one
# that cannot finish fails at the deadline, with its log shipped, instead of hanging until the grace runs out.
retry() {
  local attempts=$1 delay=$2 i left
  shift 2
  for ((i = 1; i <= attempts; i++)); do
    left=$((BOOTSTRAP_DEADLINE_SECONDS - SECONDS))
    if ((left <= 0)); then
      break
    fi
    # -k: a command that ignores SIGTERM (a mount stuck in the kernel) is killed 5 s later.
    if timeout -k 5 "${left}" "$@"; then
      return 0
    fi
    left=$((BOOTSTRAP_DEADLINE_SECONDS - SECONDS))
    if ((i == attempts || left <= 0)); then
      break
    fi
    echo "attempt ${i}/${attempts} of '$*' failed; retrying in ${delay}s"
    sleep "$((delay < left ? delay : left))"
  done
  echo "gave up on '$*' after ${SECONDS} s (bootstrap deadline of ${BOOTSTRAP_DEADLINE_SECONDS} s)" >&2
  return 1
}

INSTANCE_ID="$(imds meta-data/instance-id)"
AVAILABILITY_ZONE="$(imds meta-data/placement/availability-zone)"
readonly INSTANCE_ID AVAILABILITY_ZONE

# Logs first: a bootstrap that fails later (packages, EFS, the service) must leave its log in CloudWatch, because the
# Auto Scaling Group terminates the instance, and its root volume with it. The agent tails the bootstrap log,
# cloud-init's own output, the app's log and its console (stdout and stderr, which systemd would keep in journald).
readonly CONSOLE_LOG="${LOG_DIR}/app/console.log"
readonly CW_CONFIG=/opt/aws/amazon-cloudwatch-agent/etc/medicare-hub.json

retry 5 10 dnf install -y --setopt=install_weak_deps=False amazon-cloudwatch-agent
install -d -m 0755 -o root -g root "${LOG_DIR}/app"
cat >"${CW_CONFIG}" <<JSON
{
  "agent": { "region": "${AWS_REGION}", "logfile": "/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log" },
  "logs": {
    "logs_collected": {
      "files": {
        "collect_list": [
          { "file_path": "${BOOTSTRAP_LOG}", "log_group_name": "${APP_LOG_GROUP}", "log_stream_name": "{instance_id}/bootstrap" },
          { "file_path": "/var/log/cloud-init-output.log", "log_group_name": "${APP_LOG_GROUP}", "log_stream_name": "{instance_id}/cloud-init" },
          { "file_path": "${LOG_DIR}/app/app.log", "log_group_name": "${APP_LOG_GROUP}", "log_stream_name": "{instance_id}/app" },
          { "file_path": "${CONSOLE_LOG}", "log_group_name": "${APP_LOG_GROUP}", "log_stream_name": "{instance_id}/console" }
        ]
      }
    }
  }
}
JSON
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c "file:${CW_CONFIG}"
echo "CloudWatch agent started: this log reaches ${APP_LOG_GROUP} from here on"

retry 5 10 dnf install -y --setopt=install_weak_deps=False python3 openssl amazon-efs-utils

if ! id "${APP_USER}" >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /sbin/nologin "${APP_USER}"
fi
install -d -m 0755 -o root -g root "${APP_DIR}" "${DATA_DIR}"
chown "${APP_USER}:${APP_USER}" "${LOG_DIR}/app"
chmod 0750 "${LOG_DIR}/app"

# TLS from the load balancer to this instance. The ALB does not validate its targets' certificates ("Target groups for
# your Application Load Balancers", ELB User Guide), so each instance makes its own key and self-signed certificate at
# first boot: no key in an image (rm), a secret store or a log. umask 077 keeps the key private from the moment it
# exists; genpkey -quiet, and req given an existing key, print nothing.
install -d -m 0750 -o root -g "${APP_USER}" "${TLS_DIR}"
rm -f "${TLS_KEY}" "${TLS_CERT}"
(
  umask 077
  openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "${TLS_KEY}"
  openssl req -x509 -new -key "${TLS_KEY}" -sha256 -days 365 -subj "/CN=${INSTANCE_ID}.medicare-hub.internal" \
    -out "${TLS_CERT}"
)
chown "${APP_USER}:${APP_USER}" "${TLS_KEY}"
chmod 0400 "${TLS_KEY}"
chmod 0644 "${TLS_CERT}"
echo "made this instance's TLS certificate $(openssl x509 -in "${TLS_CERT}" -noout -fingerprint -sha256)"

# Shared storage: mounted through its access point, encrypted in transit (TLS) and authorised by the instance role.
EFS_FILE_SYSTEM_ID="$(instance_tag EfsFileSystemId)"
EFS_ACCESS_POINT_ID="$(instance_tag EfsAccessPointId)"
if [[ -n "${EFS_FILE_SYSTEM_ID}" ]]; then
  mount_options="_netdev,noresvport,tls,iam"
  if [[ -n "${EFS_ACCESS_POINT_ID}" ]]; then
    mount_options="${mount_options},accesspoint=${EFS_ACCESS_POINT_ID}"
  fi
  echo "${EFS_FILE_SYSTEM_ID}:/ ${DATA_DIR} efs ${mount_options} 0 0" >>/etc/fstab
  # A new mount target's DNS name can take up to 90 seconds to resolve (Amazon EFS User Guide, "Mounting on Amazon
  # EC2 with a DNS name"): on the first apply the instances may boot right after it, so wait up to 120 s.
  retry 24 5 mount "${DATA_DIR}"
  echo "mounted ${EFS_FILE_SYSTEM_ID} at ${DATA_DIR}"
else
  echo "no EfsFileSystemId tag: ${DATA_DIR} stays on the root volume"
fi

# What the deep health check (/health/deep) probes: the database's address and port, tagged on the instance.
DATABASE_ADDRESS="$(instance_tag DatabaseAddress)"
DATABASE_PORT="$(instance_tag DatabasePort)"
# In the recovery region the database exists only once failover restores it (npm run failover): found by its
# identifier at boot, once; until then the deep check probes no database. Failover replaces these instances.
DATABASE_IDENTIFIER="$(instance_tag DatabaseIdentifier)"
if [[ -z "${DATABASE_ADDRESS}" && -n "${DATABASE_IDENTIFIER}" ]]; then
  DATABASE_ADDRESS="$(timeout 20 aws rds describe-db-instances --region "${AWS_REGION}" --db-instance-identifier "${DATABASE_IDENTIFIER}" \
    --query 'DBInstances[0].Endpoint.Address' --output text 2>/dev/null || true)"
  if [[ "${DATABASE_ADDRESS}" == "None" ]]; then
    DATABASE_ADDRESS=""
  fi
  echo "database ${DATABASE_IDENTIFIER}: ${DATABASE_ADDRESS:-not restored yet}"
fi

cat >"${APP_DIR}/server.py" <<'PYTHON'
"""MediCare Hub web service over HTTPS: a page, a shallow /health for the load balancer, a deep one for alarms."""
import html
import json
import logging
import os
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ["APP_PORT"])
ENVIRONMENT = os.environ["MEDICARE_HUB_ENVIRONMENT"]
ZONE = os.environ.get("AVAILABILITY_ZONE", "unknown")
INSTANCE = os.environ.get("INSTANCE_ID", "unknown")
# A client that connects and never finishes the handshake gives up its thread after this long.
HANDSHAKE_TIMEOUT_SECONDS = 10
# The deep check's dependencies: the shared file system (when mounted here) and the database, probed together every
# PROBE_INTERVAL_SECONDS, each given PROBE_TIMEOUT_SECONDS.
DATA_DIR = os.environ.get("DATA_DIR", "")
EFS_EXPECTED = os.environ.get("EFS_EXPECTED") == "1"
DATABASE_ADDRESS = os.environ.get("DATABASE_ADDRESS", "")
# A database this instance must reach but has not found (the recovery region's, before failover restores it): the deep
# check fails, so Route 53 keeps users on the maintenance page rather than on an app without its data.
DATABASE_EXPECTED = os.environ.get("DATABASE_EXPECTED") == "1"
DATABASE_PORT = os.environ.get("DATABASE_PORT", "")
PROBE_TIMEOUT_SECONDS = 1
PROBE_INTERVAL_SECONDS = float(os.environ.get("DEEP_PROBE_INTERVAL_SECONDS", "5"))

logging.basicConfig(filename=os.environ["APP_LOG_FILE"], level=logging.INFO, format="%(message)s")


def log_json(**fields):
    """One JSON object per line: CloudWatch Logs Insights reads its fields without a parse pattern."""
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "instance": INSTANCE, "zone": ZONE}
    logging.info(json.dumps({**record, **fields}))


def probe(check):
    """Starts check() in a thread of its own: a hung NFS mount blocks that thread, never a request or the loop."""
    outcome = []

    def run():
        try:
            outcome.append(bool(check()))
        except OSError:
            outcome.append(False)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def files_reachable():
    return os.path.ismount(DATA_DIR) and os.listdir(DATA_DIR) is not None


def database_reachable():
    with socket.create_connection((DATABASE_ADDRESS, int(DATABASE_PORT)), timeout=PROBE_TIMEOUT_SECONDS):
        return True


hung = {}


def probe_dependencies():
    """The dependencies this instance cannot reach, both probed at once, each given PROBE_TIMEOUT_SECONDS."""
    checks = {}
    if EFS_EXPECTED:
        checks["files"] = files_reachable
    if DATABASE_ADDRESS:
        checks["database"] = database_reachable
    # A probe still hung from an earlier round counts as failed and is not started again: no thread pile-up.
    failures = [name for name in checks if name in hung and hung[name].is_alive()]
    if DATABASE_EXPECTED and not DATABASE_ADDRESS:
        failures.append("database")
    started = {name: probe(check) for name, check in checks.items() if name not in failures}
    deadline = time.monotonic() + PROBE_TIMEOUT_SECONDS
    for name, (thread, outcome) in started.items():
        thread.join(max(0, deadline - time.monotonic()))
        if thread.is_alive():
            hung[name] = thread
        if thread.is_alive() or outcome != [True]:
            failures.append(name)
    return failures


# Probed every PROBE_INTERVAL_SECONDS by one loop, not per request: /health/deep answers from this at once (Route 53
# waits 2 s for an answer), and the database sees one connection per instance per interval however many checkers ask.
# Never the load balancer's check: a database outage must not make the Auto Scaling Group replace every instance.
deep_state = {"failures": []}


def probe_loop():
    while True:
        time.sleep(PROBE_INTERVAL_SECONDS)
        deep_state["failures"] = probe_dependencies()


class Handler(BaseHTTPRequestHandler):
    server_version = "MediCareHub/1"

    def handle_one_request(self):
        self.started = time.monotonic()
        super().handle_one_request()

    def do_GET(self):
        if self.path == "/health":
            # Shallow on purpose: only this process. A database blip must not make the ASG replace every instance.
            self.reply(200, "text/plain", "ok\n")
        elif self.path == "/health/deep":
            failures = deep_state["failures"]
            if failures:
                log_json(message="deep health check failed", failing=failures)
                self.reply(503, "text/plain", "degraded\n")
            else:
                self.reply(200, "text/plain", "ok\n")
        elif self.path == "/":
            page = (
                "<!doctype html><title>MediCare Hub</title><h1>MediCare Hub</h1>"
                f"<p>Environment {html.escape(ENVIRONMENT)}, served by {html.escape(INSTANCE)} in {html.escape(ZONE)}.</p>"
            )
            self.reply(200, "text/html; charset=utf-8", page)
        else:
            self.reply(404, "text/plain", "not found\n")

    def reply(self, status, content_type, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_request(self, code="-", size="-"):
        # The load balancer's trace id joins this line to its access log. The client is the last X-Forwarded-For entry,
        # the one the load balancer appended; earlier ones are whatever the client sent. A request line too bad to parse
        # has no headers at all.
        headers = getattr(self, "headers", None) or {}
        forwarded = headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        try:
            status = int(code)
        except (TypeError, ValueError):
            status = str(code)
        log_json(
            trace_id=headers.get("X-Amzn-Trace-Id"),
            client=forwarded or self.client_address[0],
            method=self.command,
            path=getattr(self, "path", None),
            status=status,
            duration_ms=round((time.monotonic() - self.started) * 1000, 1),
        )

    def log_message(self, format, *args):
        log_json(client=self.client_address[0], message=format % args)


def tls_context():
    """TLS 1.2 or 1.3 only; for TLS 1.2, forward-secret AEAD suites only."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20")
    context.load_cert_chain(os.environ["TLS_CERT_FILE"], os.environ["TLS_KEY_FILE"])
    return context


class TLSServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler, context):
        super().__init__(address, handler)
        # Handshakes run in each connection's thread (finish_request), not in accept(): a slow client stalls no one.
        self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def finish_request(self, request, client_address):
        request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError) as error:
            log_json(client=client_address[0], message=f"TLS handshake failed: {error}")
            return
        request.settimeout(None)
        super().finish_request(request, client_address)


if __name__ == "__main__":
    deep_state["failures"] = probe_dependencies()
    threading.Thread(target=probe_loop, daemon=True).start()
    log_json(message=f"serving HTTPS on port {PORT}")
    TLSServer(("", PORT), Handler, tls_context()).serve_forever()
PYTHON

cat >/etc/systemd/system/medicare-hub.service <<UNIT
[Unit]
Description=MediCare Hub web service
After=network-online.target remote-fs.target
Wants=network-online.target

[Service]
User=${APP_USER}
Environment=APP_PORT=${APP_PORT}
Environment=MEDICARE_HUB_ENVIRONMENT=${MEDICARE_HUB_ENVIRONMENT}
Environment=AVAILABILITY_ZONE=${AVAILABILITY_ZONE}
Environment=INSTANCE_ID=${INSTANCE_ID}
Environment=APP_LOG_FILE=${LOG_DIR}/app/app.log
Environment=TLS_CERT_FILE=${TLS_CERT}
Environment=TLS_KEY_FILE=${TLS_KEY}
Environment=DATA_DIR=${DATA_DIR}
Environment=EFS_EXPECTED=${EFS_FILE_SYSTEM_ID:+1}
Environment=DATABASE_ADDRESS=${DATABASE_ADDRESS}
Environment=DATABASE_EXPECTED=${DATABASE_IDENTIFIER:+1}
Environment=DATABASE_PORT=${DATABASE_PORT}
ExecStart=/usr/bin/python3 ${APP_DIR}/server.py
StandardOutput=append:${CONSOLE_LOG}
StandardError=append:${CONSOLE_LOG}
Restart=always
RestartSec=2
NoNewPrivileges=true
ProtectSystem=strict
ReadWritePaths=${LOG_DIR}/app ${DATA_DIR}
PrivateTmp=true

[Install]
WantedBy=multi-user.target
UNIT

systemctl daemon-reload
systemctl enable --now medicare-hub.service

# Bounded wait for the service to answer locally over TLS 1.2+, as the load balancer will reach it (-k: the certificate
# is self-signed, and the ALB does not validate it either); the load balancer's health check decides from here on.
if retry 30 2 curl -fsS -k --tlsv1.2 --max-time 2 -o /dev/null "https://127.0.0.1:${APP_PORT}/health"; then
  echo "bootstrap finished at $(date --iso-8601=seconds): /health answers over HTTPS on port ${APP_PORT}"
else
  echo "MediCare Hub did not answer /health over HTTPS on port ${APP_PORT}; the load balancer will mark this instance" \
    "unhealthy" >&2
  exit 1
fi
