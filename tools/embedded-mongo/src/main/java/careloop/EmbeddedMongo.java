package careloop;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs mongo-java-server for CareLoop when no real mongod is available (started by tools/database.ts).
 *
 * <pre>
 *   java -jar embedded-mongo.jar memory [--port N] [--host H]
 *   java -jar embedded-mongo.jar h2 FILE [--port N] [--host H]
 * </pre>
 *
 * <p>Binds to 127.0.0.1 and a free port unless told otherwise, then prints exactly one line to stdout,
 * {@code LISTENING <port>}. Everything else (logs, errors) goes to stderr. The process exits when its stdin closes,
 * so it never outlives the process that started it, and on SIGTERM it shuts the server down cleanly, which closes
 * the H2 store and so writes everything to the file.
 */
public final class EmbeddedMongo {

  /**
   * The version the server reports. The MongoDB Node driver 7 refuses servers whose wire version is below 9, and
   * mongo-java-server's own {@code ServerVersion} stops at 5.0 / wire version 8, so report 6.0.0 / wire version 17.
   */
  static final class Mongo6 implements MongoVersion {
    @Override
    public List<Integer> getVersionArray() {
      return List.of(6, 0, 0);
    }

    @Override
    public int getWireVersion() {
      return 17;
    }
  }

  private static MongoServer server;
  private static MongoBackend backend;
  private static boolean stopped;

  private EmbeddedMongo() {}

  public static void main(String[] args) {
    // Quiet by default; -Dorg.slf4j.simpleLogger.defaultLogLevel=info (or debug) overrides. slf4j-simple logs to stderr.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    try {
      run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("embedded-mongo: " + e.getMessage());
      System.err.println("usage: embedded-mongo memory|h2 FILE [--port N] [--host H]");
      System.exit(2);
    } catch (Throwable e) {
      System.err.println("embedded-mongo: failed: " + e);
      e.printStackTrace(System.err);
      stop();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws IOException {
    String kind = null;
    String file = null;
    String host = "127.0.0.1";
    int port = 0;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--port") || arg.equals("--host")) {
        if (i + 1 >= args.length) throw new IllegalArgumentException(arg + " needs a value");
        String value = args[++i];
        if (arg.equals("--host")) {
          host = value;
        } else {
          try {
            port = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: " + value);
          }
          if (port < 0 || port > 65535) throw new IllegalArgumentException("not a port: " + value);
        }
      } else if (arg.startsWith("--")) {
        throw new IllegalArgumentException("unknown option " + arg);
      } else if (kind == null) {
        kind = arg;
      } else if (file == null) {
        file = arg;
      } else {
        throw new IllegalArgumentException("unexpected argument " + arg);
      }
    }
    if (kind == null) throw new IllegalArgumentException("no backend given");

    switch (kind) {
      case "memory" -> {
        if (file != null) throw new IllegalArgumentException("the memory backend takes no file");
        backend = new MemoryBackend();
      }
      case "h2" -> {
        if (file == null) throw new IllegalArgumentException("the h2 backend needs a database file");
        Path path = Path.of(file).toAbsolutePath();
        if (path.getParent() != null) Files.createDirectories(path.getParent());
        backend = new H2Backend(path.toString());
      }
      default -> throw new IllegalArgumentException("unknown backend " + kind + " (memory or h2)");
    }
    backend.version(new Mongo6());

    server = new MongoServer(backend);
    Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedMongo::stop, "embedded-mongo-shutdown"));
    server.bind(host, port);
    int boundPort = server.getLocalAddress().getPort();
    System.out.println("LISTENING " + boundPort);
    System.out.flush();

    // Block until the parent closes our stdin (or dies), then shut down.
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) != -1) {
        // Input is ignored; only its end matters.
      }
    } catch (IOException e) {
      // A broken stdin means the parent is gone as well.
    }
    stop();
    System.exit(0);
  }

  /** Stops listening, closes open connections and closes the backend (for H2: commits and closes the file). */
  private static synchronized void stop() {
    if (stopped) return;
    stopped = true;
    try {
      if (server != null) {
        server.shutdown();
      } else if (backend != null) {
        backend.close();
      }
    } catch (RuntimeException e) {
      System.err.println("embedded-mongo: error during shutdown: " + e);
    }
  }
}
