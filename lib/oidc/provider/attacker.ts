/**
 * @module oidc/provider/attacker
 *
 * The attacker's keys for the header-injection cases of RFC 8725 section 3.10 (`jku`, `x5u`,
 * `jwk`, `x5c`): a token signed by a key the *token* names. An RP that trusts those headers
 * accepts it; a correct RP never uses them. The certificates are self-signed
 * (CN=attacker.example, valid 100 years), made once with
 * `openssl req -x509 -newkey rsa:2048|ec -days 36500 -subj /CN=attacker.example`.
 *
 * **These private keys are deliberately public.** They must never sign anything but these
 * test tokens. The provider serves the attacker's JWKS and certificates under
 * `<issuer>/attacker/` and counts every fetch of them, so a harness can tell whether an RP
 * followed a header.
 */
import { type JWK, calculateJwkThumbprint, exportJWK, importPKCS8, importX509 } from "jose";
import type { AsymmetricAlg } from "./config.js";
import type { SigningKey } from "./keys.js";

/** The attacker's RSA certificate (PEM). */
export const ATTACKER_RSA_CERT_PEM = [
  "-----BEGIN CERTIFICATE-----",
  "MIIDGTCCAgGgAwIBAgIUWL9KSSjkx74sS3jZvdNxiEKfHm0wDQYJKoZIhvcNAQEL",
  "BQAwGzEZMBcGA1UEAwwQYXR0YWNrZXIuZXhhbXBsZTAgFw0yNjExMjYwNjU4MTNa",
  "GA8yMTI2MTEwMjA2NTgxM1owGzEZMBcGA1UEAwwQYXR0YWNrZXIuZXhhbXBsZTCC",
  "ASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAILln14exlySL/yTJo+dJsoT",
  "akxhqtBL0KUOaCvPdb15BsL8ATNxViM1pGOJB4SMoFnusudeWcN7UOkBOOM36cun",
  "HhTf3Whkk4tq98WkeWFkl6oek2/vBhaR6lxcKEQb3ltqpZ6OeugmWFsL7ncDkhHe",
  "XJ11ScvswnoFfUjeJNIElM4jpX85zg3mXzjhZDMA/9ZyhrlyZptghoNQFb/FV1nR",
  "q6weTRUZPZMP4sFaBdaOwKw/e6P+TOksYIxn225lU8gGSltNTdnAFWFhNVE+Y3KB",
  "1AcO9lgFG6sdUojpRRQOnRr88+sgHFszqrMpx6v6Ugxxca38tsUve5mzaqF4MxsC",
  "AwEAAaNTMFEwHQYDVR0OBBYEFAiWxOXKkqGJZsuHNW8+vLTiWlRBMB8GA1UdIwQY",
  "MBaAFAiWxOXKkqGJZsuHNW8+vLTiWlRBMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZI",
  "hvcNAQELBQADggEBAF5s7++CTKF4axFHxIyYCP2Y5dvfPlhIn1DCAnJuDEU1rZdS",
  "hWTEKxkmytT9oXp7vGfRTEDaYdBflcaRmapogDX2hC6KuVamka/VCWc02ExG66TD",
  "WKcUkETilTQoa8GW0R45AP0ow8t56YQfozsNq+vJI5EL4rAuLEg+D1WmypU7uA/f",
  "TMAEk26WNfmesKTWBJRhZxeN0bMiD815NvhCP6hUvmTgp9zdlWOG070t0yaO3jyK",
  "tc/3/I8NmEHUghyNYupGaK935dKlWdRkD8pHnSSUvswMlGIgq1e/BQVxsIbGAnAS",
  "zWEv40Znk7WCnnvGlXN4dpZHAx2u8pG0G1CqVRI=",
  "-----END CERTIFICATE-----",
].join("\n");

/** The attacker's RSA private key (PKCS#8 PEM): public on purpose, see the module note. */
const ATTACKER_RSA_KEY_PEM = [
  "-----BEGIN PRIVATE KEY-----",
  "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCC5Z9eHsZcki/8",
  "kyaPnSbKE2pMYarQS9ClDmgrz3W9eQbC/AEzcVYjNaRjiQeEjKBZ7rLnXlnDe1Dp",
  "ATjjN+nLpx4U391oZJOLavfFpHlhZJeqHpNv7wYWkepcXChEG95baqWejnroJlhb",
  "C+53A5IR3lyddUnL7MJ6BX1I3iTSBJTOI6V/Oc4N5l844WQzAP/Wcoa5cmabYIaD",
  "UBW/xVdZ0ausHk0VGT2TD+LBWgXWjsCsP3uj/kzpLGCMZ9tuZVPIBkpbTU3ZwBVh",
  "YTVRPmNygdQHDvZYBRurHVKI6UUUDp0a/PPrIBxbM6qzKcer+lIMcXGt/LbFL3uZ",
  "s2qheDMbAgMBAAECggEAA4Gi1rCkJ3WrLkZloyRauEi3/iRGKZyZgOt3ceftFpkn",
  "3Me+ybDBs6Wv+vBVmS/Q6uOLMtraeMiUYPoG+LkWNmAS5ZUez8phqdUer44u/UWI",
  "qMzMi/IGkgZoSJkGdE57NRKy2DMejN650nSuERHkpj2N8iuV2vz2iNRRA+EOLeni",
  "kAIN0yo1WWAmC7Pf9a21ev+zjqxJkQ/bDS6MWrSSMhmPlvkEusVB7HD0qMGo2kS1",
  "Lk9hrB6CX9Kwn1BwhX1rAXskwDHtfutMphP+xi59ddDul+73Bpcyv6q+gYJQKHvI",
  "rD54QXLhtc+aME574CHY0eqIEggd5UjVsK3S37g4zQKBgQC3sCSR0wmBVR+XGmRd",
  "2DiLr5ha5O+jVqmwXWGqjfMrFaekqxoqeFoNSYrbEB/APt50hjk4uEXuInhMJ1m/",
  "8TMeFstidcfmh64bLHc6MmFukMIT1Z7Zertekjajuod7K8PCCAgbeNgTECw66WkM",
  "+lOqObVEGpfFGAfCfWs+1FAgZQKBgQC2bUIE1H5slNJvRGimN1kYdTW3AFpYSon5",
  "kpLRYPYkZCnvwA0jDmR+PmV+WwFZ9HTjJjqunDEO5mVPT5/2glo7zWkHjv+YDCO+",
  "P36G46tlNR8StsEc7x+YY6aCtiw7rZfNdv0nC+sxUUD6YDr9Kru72ZOKGGo1hvDH",
  "9n4aVxcNfwKBgF0gVkoAHk+Noohu/vd9CZ34FlvuuXesFjeuADgB44iyX93iSU/C",
  "2JTn9hf94rsKpKma6yPQeNO0chzZzmy7kljs4Yw3fnNn0mNAdenxZOgzR9HaecB0",
  "ss3NfxofFVTi6UpT3BhhedqgVmw/rdzAhO5Gd5nhiZSJDFYUU+z0ovLpAoGAWuq8",
  "2ldk4oyRC+8WELDI8I2JxbihThtoBD/ud/dQ9PYOiHQ4l94Wa2yBfKWyWLiigIqO",
  "+HLTaE+e8hYG7P4uJlvLGn9EFu0F600NrABPbVM6N0Npnxf1sScI12AfT2bGnxnM",
  "NOeVwbBzJ9VJ0N65TXe0NkDQvfiQi7fnRQ1eadUCgYEAkIhgRvYyJLnkZ/N+1T3L",
  "enrfGFXQIlE5irYNF5pUUgCJASO+rpIAd7nxfMThsKkupWdm+ZAWtfe7tAfxozLq",
  "oEUWHna75rPZJ01DeiMGP1DuOUX90ohUJ0UcDRFu3647wZYmOzM2Dwk1G1OZOmju",
  "HXfb/9IObqBK7i0wfLv/lVU=",
  "-----END PRIVATE KEY-----",
].join("\n");

/** The attacker's P-256 certificate (PEM). */
export const ATTACKER_EC_CERT_PEM = [
  "-----BEGIN CERTIFICATE-----",
  "MIIBjTCCATOgAwIBAgIUKI661CgXOpTbtqVVzRZyKv21DM8wCgYIKoZIzj0EAwIw",
  "GzEZMBcGA1UEAwwQYXR0YWNrZXIuZXhhbXBsZTAgFw0yNjExMjYwNjU4MTNaGA8y",
  "MTI2MTEwMjA2NTgxM1owGzEZMBcGA1UEAwwQYXR0YWNrZXIuZXhhbXBsZTBZMBMG",
  "ByqGSM49AgEGCCqGSM49AwEHA0IABN5TTNfC3CJM4WI+8rBks87/j6UMiCkK6CCo",
  "9L7XNy1oMffGRQlzXtf1DhsmGC9r968c9vt0mbpSMGBf+wsFOPGjUzBRMB0GA1Ud",
  "DgQWBBTtnjpCJ5PpU5a9n3YaqrD2SNhBnDAfBgNVHSMEGDAWgBTtnjpCJ5PpU5a9",
  "n3YaqrD2SNhBnDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCID6p",
  "H46NTDyseLpM10Hf+lHAszHENxwBWWtJhCBfOKBlAiEA1v0+7Kn7v2v3GsViKQgv",
  "b+ubG1nubXvFtEEsTQnf/As=",
  "-----END CERTIFICATE-----",
].join("\n");

/** The attacker's P-256 private key (PKCS#8 PEM): public on purpose, see the module note. */
const ATTACKER_EC_KEY_PEM = [
  "-----BEGIN PRIVATE KEY-----",
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYBU8LeoYrYkFjkX5",
  "VRf7VQyIpWnNbMbgisvqmo+CzKGhRANCAATeU0zXwtwiTOFiPvKwZLPO/4+lDIgp",
  "CuggqPS+1zctaDH3xkUJc17X9Q4bJhgva/evHPb7dJm6UjBgX/sLBTjx",
  "-----END PRIVATE KEY-----",
].join("\n");

/** The attacker's key of one algorithm, with its certificate. */
export interface AttackerKey extends SigningKey {
  /** The certificate as PEM (what `x5u` serves). */
  readonly certPem: string;
  /** The certificate's DER as standard base64 (an `x5c` entry). */
  readonly certDerBase64: string;
}

const cache = new Map<AsymmetricAlg, Promise<AttackerKey>>();

async function load(alg: AsymmetricAlg): Promise<AttackerKey> {
  const certPem = alg === "RS256" ? ATTACKER_RSA_CERT_PEM : ATTACKER_EC_CERT_PEM;
  const keyPem = alg === "RS256" ? ATTACKER_RSA_KEY_PEM : ATTACKER_EC_KEY_PEM;
  const privateKey = await importPKCS8(keyPem, alg);
  const publicKey = await importX509(certPem, alg, { extractable: true });
  const jwk: JWK = await exportJWK(publicKey);
  const kid = `attacker-${(await calculateJwkThumbprint(jwk)).slice(0, 16)}`;
  const certDerBase64 = certPem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  return { kid, alg, privateKey, publicKey, publicJwk: { ...jwk, kid, use: "sig", alg }, certPem: `${certPem}\n`, certDerBase64 };
}

/**
 * The attacker's key pair for an algorithm (loaded once per process).
 *
 * @param alg - RS256 or ES256
 * @returns the key, its kid (`attacker-...`), public JWK and certificate
 * @throws never
 * @example
 * const k = await attackerKey("ES256");
 * k.kid.startsWith("attacker-"); // => true
 */
export function attackerKey(alg: AsymmetricAlg): Promise<AttackerKey> {
  let p = cache.get(alg);
  if (p === undefined) {
    p = load(alg);
    cache.set(alg, p);
  }
  return p;
}
