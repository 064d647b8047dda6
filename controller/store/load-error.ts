/** The data file cannot be used as it is; the controller refuses to start rather than overwrite it. */
export class StoreLoadError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'StoreLoadError'
  }
}
