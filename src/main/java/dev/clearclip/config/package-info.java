/** Immutable settings records validated at start-up: presets (read from conf/presets), per-vocabulary segmentation settings, overrides, output options and the segmentation request. */
package dev.clearclip.config;
