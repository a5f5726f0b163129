/** Base64 ciphertext of a request as the bytes a command carries. */
export const bytesOf = (ciphertext: { algorithm: string; data: string } | null) =>
  ciphertext && { algorithm: ciphertext.algorithm, data: Buffer.from(ciphertext.data, 'base64') };
