package flinkonyarn.examples;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * A word count written for the flink-on-yarn tests; compiles and runs against Flink 1.20 and
 * 2.x alike (Maven Central has no flink-examples-streaming for 2.x).
 *
 * <p>Bounded by default (finishes in a second or two). {@code --unbounded [--sleep-ms N]} keeps
 * producing lines forever, one every N ms (default 100): a long-running job for HA, savepoint
 * and cancel tests. {@code --fail-after N} throws after N lines (restart-strategy tests).
 */
public final class FlyWordCount {

  private static final String[] LINES = {
    "to be or not to be that is the question",
    "whether tis nobler in the mind to suffer",
    "the slings and arrows of outrageous fortune",
    "or to take arms against a sea of troubles",
  };

  private FlyWordCount() {}

  public static void main(String[] args) throws Exception {
    boolean unbounded = false;
    long sleepMs = 100;
    long failAfter = -1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--unbounded":
          unbounded = true;
          break;
        case "--sleep-ms":
          sleepMs = Long.parseLong(args[++i]);
          break;
        case "--fail-after":
          failAfter = Long.parseLong(args[++i]);
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    DataStream<String> lines;
    if (unbounded) {
      lines = env.fromSequence(0, Long.MAX_VALUE).map(new Line(sleepMs, failAfter));
    } else {
      lines = env.fromData(LINES);
    }
    lines.flatMap(new Tokenizer()).keyBy(new Word()).sum(1).print();
    env.execute(unbounded ? "FlyWordCount (unbounded)" : "FlyWordCount");
  }

  /** n -> a line of text, throttled. */
  public static final class Line implements MapFunction<Long, String> {
    private final long sleepMs;
    private final long failAfter;

    Line(long sleepMs, long failAfter) {
      this.sleepMs = sleepMs;
      this.failAfter = failAfter;
    }

    @Override
    public String map(Long n) throws Exception {
      if (failAfter >= 0 && n >= failAfter) {
        throw new IllegalStateException("FlyWordCount: failing on purpose after " + failAfter);
      }
      if (sleepMs > 0) {
        Thread.sleep(sleepMs);
      }
      return LINES[(int) (n % LINES.length)];
    }
  }

  /** line -> (word, 1)* */
  public static final class Tokenizer implements FlatMapFunction<String, Tuple2<String, Integer>> {
    @Override
    public void flatMap(String line, Collector<Tuple2<String, Integer>> out) {
      for (String w : line.toLowerCase().split("\\W+")) {
        if (!w.isEmpty()) {
          out.collect(Tuple2.of(w, 1));
        }
      }
    }
  }

  /** (word, n) -> word */
  public static final class Word implements KeySelector<Tuple2<String, Integer>, String> {
    @Override
    public String getKey(Tuple2<String, Integer> t) {
      return t.f0;
    }
  }
}
