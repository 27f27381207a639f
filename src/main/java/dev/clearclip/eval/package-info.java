/** The evaluate command: mIoU and friends of masks tables against ground truth, computed with Spark. */
package dev.clearclip.eval;
