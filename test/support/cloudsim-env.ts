/** The jest project `cloud-sim`: the server suites again, on the cloud path (SPEC §8). */
process.env.AFTERSALE_BACKEND = 'cloud-sim';
