export interface Config {
  /** Configuration of the Airworthy operability plugin. */
  operability?: {};
}
