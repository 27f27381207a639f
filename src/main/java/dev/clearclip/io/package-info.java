/** Small file formats with no better library here: NumPy .npy reading and writing. */
package dev.clearclip.io;
