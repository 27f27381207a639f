/** Image bytes to RGB: format sniffing, decoding with typed errors, EXIF orientation, the cv2-exact keep-ratio resize and normalisation. */
package dev.clearclip.image;
