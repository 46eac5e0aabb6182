/**
 * Run-time facts of AWS that the layers and the tools (which must not load cdktf) both rely on. Each cites where AWS
 * says so.
 */

/**
 * Route 53 answers alias records to a load balancer with the load balancer's own TTL: 60 seconds ("Choosing between
 * alias and non-alias records", Route 53 Developer Guide: the TTL of an alias to an ELB load balancer is 60 s).
 */
export const ALB_ALIAS_TTL_SECONDS = 60;

/**
 * The RDS certificate authority the databases' server certificates come from: RSA 2048, valid until 2061 ("Using SSL/TLS
 * to encrypt a connection to a DB instance", RDS User Guide). Clients pin it for verify-full TLS, so the database and a
 * restore of it at failover (tools/failover.ts) name it; a restore takes the region's default CA otherwise.
 */
export const RDS_CA_CERTIFICATE = "rds-ca-rsa2048-g1";
