// Hashes the domain derives ids and keys from (node:crypto only: no I/O).
import { createHash } from 'node:crypto';

/** The SHA-256 of the text (UTF-8), as 64 lowercase hex digits. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A customer's email as keys hold it: hashed, after trimming and lower-casing (never the email itself). */
export const customerHash = (email: string): string => sha256Hex(email.trim().toLowerCase());
