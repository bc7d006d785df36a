/** The jest project `cloud-sim`: the server suites again, on the cloud path (SPEC §8). */
process.env.AFTERSALE_BACKEND = 'cloud-sim';
// The instances' console.info (subscribe messages skipped, sweep reports) would bury the test output.
process.env.CLOUD_SIM_QUIET = '1';
