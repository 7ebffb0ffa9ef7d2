// fastintcompression ships no type declarations.
declare module "fastintcompression" {
  const FastIntegerCompression: {
    compressSigned(values: ArrayLike<number>): ArrayBuffer;
    uncompressSigned(buffer: ArrayBuffer): number[];
  };
  export default FastIntegerCompression;
}
