/** The render command: overlays, contact sheets, class charts and the HTML run report from masks tables. */
package dev.clearclip.render;
