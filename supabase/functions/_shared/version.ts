/** The service version, reported by health and metrics. */
export const VERSION = "0.1.0";
