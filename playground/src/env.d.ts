/** Vite's `?url` imports: the served URL of a file (here onnxruntime-web's wasm). */
declare module "*?url" {
  const url: string;
  export default url;
}
