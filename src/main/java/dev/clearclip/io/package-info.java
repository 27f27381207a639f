/**
 * Small formats and text helpers with no better library here: NumPy .npy reading and writing, and the credential
 * redaction every printed or stored URI goes through.
 */
package dev.clearclip.io;
