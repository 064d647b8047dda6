export * from './ogg-opus-reader.js'
export * from './silence.js'
export * from './encoder-args.js'
export * from './encoder.js'
