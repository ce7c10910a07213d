import sun.misc.Signal;
import sun.misc.SignalHandler;
public class Ign {
  public static void main(String[] a) throws Exception {
    try { SignalHandler prev = Signal.handle(new Signal("TERM"), s -> System.out.println("mine called")); System.out.println("prev=" + prev); } catch (Throwable t) { System.out.println(t); }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("hook ran")));
    System.out.println("ready"); System.out.flush();
    Thread.sleep(3000); System.out.println("survived");
  }
}
