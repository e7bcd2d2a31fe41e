// Runs many Apache Jena command-line commands in one JVM, so the tests pay for one JVM start
// instead of one per file. Each command is Jena's own command class (riotcmd.riot,
// shacl.shacl_validate, ...) run exactly as its main() would, but through
// CmdMain.mainRun(false, false), which returns the exit code instead of calling System.exit.
//
// Usage (Java 11+ runs a source file directly; tests/tools.py does this):
//   java -cp JENA_CLASSPATH JenaBatch.java COMMANDS_FILE
// COMMANDS_FILE has one command a line, tab-separated:
//   STDOUT_FILE  STDERR_FILE  EXIT_CODE_FILE  MAIN_CLASS  ARG...
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

public class JenaBatch {
    public static void main(String[] argv) throws Exception {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        for (String line : Files.readAllLines(Path.of(argv[0]), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t");
            String[] args = Arrays.copyOfRange(fields, 4, fields.length);
            int code;
            try (PrintStream out = new PrintStream(new FileOutputStream(fields[0]), true, "UTF-8");
                 PrintStream err = new PrintStream(new FileOutputStream(fields[1]), true, "UTF-8")) {
                System.setOut(out);
                System.setErr(err);
                try {
                    Constructor<?> make = Class.forName(fields[3]).getDeclaredConstructor(String[].class);
                    make.setAccessible(true);
                    Object command = make.newInstance((Object) args);
                    code = (Integer) command.getClass()
                        .getMethod("mainRun", boolean.class, boolean.class)
                        .invoke(command, false, false);
                } catch (InvocationTargetException e) {
                    e.getCause().printStackTrace(err);
                    code = 70;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    e.printStackTrace(err);
                    code = 70;
                }
                out.flush();
                err.flush();
            } finally {
                System.setOut(stdout);
                System.setErr(stderr);
            }
            Files.writeString(Path.of(fields[2]), Integer.toString(code));
        }
    }
}
