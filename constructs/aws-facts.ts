/**
 * Run-time facts of AWS that the layers and the tools (which must not load cdktf) both rely on. Each cites where AWS
 * says so.
 */

/**
 * Route 53 answers alias records to a load balancer with the load balancer's own TTL: 60 seconds ("Choosing between
 * alias and non-alias records", Route 53 Developer Guide: the TTL of an alias to an ELB load balancer is 60 s).
 */
export const ALB_ALIAS_TTL_SECONDS = 60;
