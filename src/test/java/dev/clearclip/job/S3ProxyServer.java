package dev.clearclip.job;

import org.apache.hadoop.conf.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real S3-compatible server (s3proxy, filesystem backend) as a child process on 127.0.0.1, with dummy keys.
 * Its own process so its Jetty never meets Spark's. Objects are put through S3, never copied into its folder.
 */
public final class S3ProxyServer implements AutoCloseable {

    static final String ACCESS = "test-access-key";
    static final String SECRET = "test-secret-never-logged";

    final int port;
    final S3Client client;
    private final Path dir;
    private final Path props;
    private Process process;

    public S3ProxyServer(Path dir) throws IOException, InterruptedException {
        port = freePort();
        Path data = Files.createDirectories(dir.resolve("s3data"));
        this.dir = dir;
        props = dir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS,
                "s3proxy.credential=" + SECRET,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data, ""));
        launch();
        client = S3Client.builder().endpointOverride(URI.create(endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .build();
    }

    private void launch() throws IOException, InterruptedException {
        String jar = System.getProperty("s3proxy.jar", "target/test-tools/s3proxy.jar");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar, "--properties",
                props.toString()));
        builder.environment().put("LOG_LEVEL", "warn");
        process = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile())).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!listening(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroy();
                throw new IllegalStateException("s3proxy did not start: " + Files.readString(dir.resolve("s3proxy.log")));
            }
            Thread.sleep(200);
        }
    }

    /** An outage: the server is gone (connections refused) until {@link #start()}. Data stays. */
    void stopServer() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Back on the same port with the same data. */
    void start() throws IOException, InterruptedException {
        launch();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public void createBucket(String bucket) {
        client.createBucket(b -> b.bucket(bucket));
    }

    void put(String bucket, String key, byte[] bytes) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    /** S3A settings for this server: path-style, plain http, static dummy keys. */
    public void configure(Configuration conf) {
        conf.set("fs.s3a.endpoint", endpoint());
        conf.set("fs.s3a.endpoint.region", "us-east-1");
        conf.setBoolean("fs.s3a.path.style.access", true);
        conf.setBoolean("fs.s3a.connection.ssl.enabled", false);
        conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        conf.set("fs.s3a.access.key", ACCESS);
        conf.set("fs.s3a.secret.key", SECRET);
        conf.setInt("fs.s3a.bucket.probe", 0);
        conf.setInt("fs.s3a.attempts.maximum", 2);
        conf.setInt("fs.s3a.retry.limit", 2);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        try {
            // cached s3a clients point at this server's port: the next test's server has another
            org.apache.hadoop.fs.FileSystem.closeAll();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted stopping s3proxy", e));
        }
    }
}
