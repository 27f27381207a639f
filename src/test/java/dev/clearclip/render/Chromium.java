package dev.clearclip.render;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/** Headless Chromium (Debian's chromium package) taking a screenshot of a page; tests skip where it is missing. */
final class Chromium {
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");

    private Chromium() {
    }

    static BufferedImage screenshot(Path page, Path work) throws IOException, InterruptedException {
        String binary = CANDIDATES.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        assumeTrue(binary != null, "headless Chromium not installed (apt-get install -y chromium): the report is "
                + "checked structurally only");
        Files.createDirectories(work);
        Path shot = work.resolve("shot.png");
        Process p = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + work.resolve("profile"), "--screenshot=" + shot, "--window-size=1200,1600",
                page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("chromium.log").toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 180 s; log: "
                    + Files.readString(work.resolve("chromium.log")));
        }
        if (!Files.exists(shot)) {
            throw new AssertionError("chromium exited " + p.exitValue() + " without a screenshot; log: "
                    + Files.readString(work.resolve("chromium.log")));
        }
        return ImageIO.read(shot.toFile());
    }
}
