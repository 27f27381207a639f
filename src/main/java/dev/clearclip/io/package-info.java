/**
 * Small formats and text helpers with no better library here: NumPy .npy reading and writing, the credential
 * redaction every printed or stored URI goes through, the check of ids that become file names, and text hashes.
 */
package dev.clearclip.io;
