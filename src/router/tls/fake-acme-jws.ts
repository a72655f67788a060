import { createHash, createPublicKey, type JsonWebKey, type KeyObject, verify } from "node:crypto";

/** A flattened JWS as ACME clients send it (RFC 8555 §6.2), decoded. Part of the FAKE ACME server. */
export interface DecodedJws {
  readonly header: {
    readonly alg: string;
    readonly nonce?: string;
    readonly url?: string;
    readonly jwk?: JsonWebKey;
    readonly kid?: string;
  };
  /** `null` for POST-as-GET (empty payload). */
  readonly payload: unknown;
  /** Checks the signature with the given public key. */
  readonly verifyWith: (key: KeyObject) => boolean;
}

const hashes: Readonly<Record<string, string>> = {
  ES256: "sha256",
  ES384: "sha384",
  ES512: "sha512",
  RS256: "sha256",
};

/** Decodes `{protected, payload, signature}`; throws with a reason when the body is not a JWS. */
export function decodeJws(body: string): DecodedJws {
  const jws = JSON.parse(body) as { protected?: unknown; payload?: unknown; signature?: unknown };
  if (
    typeof jws.protected !== "string" ||
    typeof jws.payload !== "string" ||
    typeof jws.signature !== "string"
  ) {
    throw new Error("the body is not a flattened JWS (protected, payload, signature)");
  }
  const header = JSON.parse(Buffer.from(jws.protected, "base64url").toString("utf8")) as DecodedJws["header"];
  const hash = hashes[header.alg];
  if (!hash) throw new Error(`unsupported JWS alg ${header.alg}`);
  const signingInput = Buffer.from(`${jws.protected}.${jws.payload}`);
  const signature = Buffer.from(jws.signature, "base64url");
  return {
    header,
    payload: jws.payload === "" ? null : JSON.parse(Buffer.from(jws.payload, "base64url").toString("utf8")),
    verifyWith: (key) => verify(hash, signingInput, { key, dsaEncoding: "ieee-p1363" }, signature),
  };
}

export function publicKeyOf(jwk: JsonWebKey): KeyObject {
  return createPublicKey({ key: jwk, format: "jwk" });
}

/** RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, base64url. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === "EC"
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : jwk.kty === "RSA"
        ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
        : undefined;
  if (!members) throw new Error(`unsupported JWK kty ${jwk.kty}`);
  return createHash("sha256").update(JSON.stringify(members)).digest("base64url");
}
