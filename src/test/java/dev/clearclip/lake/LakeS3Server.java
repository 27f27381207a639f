package dev.clearclip.lake;

import org.apache.hadoop.conf.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * s3proxy (filesystem backend) as a child process on 127.0.0.1 with dummy keys, as the job's S3 tests start it (that
 * helper is package-private to the job's tests; fold the two together when the lake is wired into the job).
 */
final class LakeS3Server implements AutoCloseable {

    static final String ACCESS = "lake-test-access";
    static final String SECRET = "lake-test-secret-never-logged";

    private final int port;
    private final Process process;

    LakeS3Server(Path dir, String... buckets) throws IOException, InterruptedException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n", "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=" + ACCESS, "s3proxy.credential=" + SECRET,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + Files.createDirectories(dir.resolve("s3data")), ""));
        String jar = System.getProperty("s3proxy.jar", "target/test-tools/s3proxy.jar");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("s3proxy.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar, "--properties",
                props.toString())).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("LOG_LEVEL", "warn");
        process = builder.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!listening()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroy();
                throw new IllegalStateException("s3proxy did not start: " + Files.readString(log));
            }
            Thread.sleep(200);
        }
        try (S3Client client = S3Client.builder().endpointOverride(URI.create(endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .build()) {
            for (String b : buckets) {
                client.createBucket(r -> r.bucket(b));
            }
        }
    }

    private String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    private boolean listening() {
        try {
            new Socket("127.0.0.1", port).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** S3A settings for this server: path-style, plain http, static dummy keys. */
    void configure(Configuration conf) {
        conf.set("fs.s3a.endpoint", endpoint());
        conf.set("fs.s3a.endpoint.region", "us-east-1");
        conf.setBoolean("fs.s3a.path.style.access", true);
        conf.setBoolean("fs.s3a.connection.ssl.enabled", false);
        conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        conf.set("fs.s3a.access.key", ACCESS);
        conf.set("fs.s3a.secret.key", SECRET);
        conf.setInt("fs.s3a.bucket.probe", 0);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
