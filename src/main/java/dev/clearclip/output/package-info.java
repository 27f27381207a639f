/** Per-image encodings of a label map: mask and confidence PNGs, COCO RLE, class statistics, overlays and palettes. */
package dev.clearclip.output;
