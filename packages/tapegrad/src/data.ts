/** The `data` namespace of the umbrella: @tapegrad/data plus its Node-only loaders (digits, IDX files). */
export * from '@tapegrad/data';
export * from '@tapegrad/data/node';
