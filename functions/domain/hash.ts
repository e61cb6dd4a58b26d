// Hashes the domain derives ids and keys from (node:crypto only: no I/O).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The SHA-256 of the text (UTF-8), as 64 lowercase hex digits. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A customer's email as keys hold it: hashed, after trimming and lower-casing (never the email itself). */
export const customerHash = (email: string): string => sha256Hex(email.trim().toLowerCase());

/**
 * A keyed hash (HMAC-SHA256, hex) of a value that must not be stored itself but must still be comparable: a source
 * IP or a payment method. Without the key the hash cannot be reversed by trying every IPv4 address.
 */
export const keyedHash = (key: string, purpose: string, value: string): string =>
  createHmac('sha256', key).update(`${purpose}\u0000${value}`).digest('hex');

/**
 * Whether two secrets (an API key, a link token) are the same, in constant time: both are hashed to 32 bytes first,
 * so the comparison takes as long whatever their lengths and wherever they first differ.
 */
export const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  );
