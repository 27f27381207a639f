package dev.clearclip.inference;

import java.io.Serializable;

/** COCO compressed RLE of one class's pixels (pycocotools' {@code counts} string; size is the image's [h, w]). */
public record ClassRle(int classId, String counts) implements Serializable {
}
