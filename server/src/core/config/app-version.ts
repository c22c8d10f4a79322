// The version this build reports (health, the cluster's node list): the package's, as npm starts it.
export const APP_VERSION = process.env.npm_package_version ?? '0.1.0';
