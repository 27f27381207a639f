/** Entry points: the clearclip command line and its subcommands (segment, predict, bench, features, embed-text), and spark-submit's SegmentSubmit. Parses options into config records and calls the layers below; never holds segmentation logic. */
package dev.clearclip.cli;
