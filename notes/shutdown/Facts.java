import sun.misc.Signal;
import sun.misc.SignalHandler;
public class Facts {
  public static void main(String[] a) throws Exception {
    String mode = a.length > 0 ? a[0] : "";
    try {
      SignalHandler prev = Signal.handle(new Signal("TERM"), new SignalHandler() { public void handle(Signal s) { System.out.println("mine " + Thread.currentThread().getName() + " daemon=" + Thread.currentThread().isDaemon() + " prio=" + Thread.currentThread().getPriority()); } });
      System.out.println("prev TERM=" + prev + " class=" + (prev == null ? null : prev.getClass().getName()) + " isDFL=" + (prev == SignalHandler.SIG_DFL) + " isIGN=" + (prev == SignalHandler.SIG_IGN));
      if (mode.equals("dflhandle")) { try { SignalHandler.SIG_DFL.handle(new Signal("TERM")); } catch (Throwable t) { System.out.println("SIG_DFL.handle: " + t); } }
      if (mode.equals("restoreRaise")) { Signal.handle(new Signal("TERM"), prev); try { Signal.raise(new Signal("TERM")); } catch (Throwable t) { System.out.println("raise: " + t); } Thread.sleep(2000); System.out.println("alive after raise"); }
      if (mode.equals("callPrev")) { Thread t = new Thread(() -> prev.handle(new Signal("TERM")), "other"); t.setDaemon(true); t.start(); Thread.sleep(2000); System.out.println("alive after callPrev"); }
    } catch (Throwable t) { System.out.println("handle TERM: " + t); }
    try { SignalHandler p = Signal.handle(new Signal("INT"), SignalHandler.SIG_DFL); System.out.println("prev INT=" + p); Signal.handle(new Signal("INT"), p);} catch (Throwable t) { System.out.println("handle INT: " + t); }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> { System.out.println("hook ran"); try { Runtime.getRuntime().addShutdownHook(new Thread()); } catch (Throwable t) { System.out.println("add in hook: " + t); } try { System.out.println("remove in hook: " + Runtime.getRuntime().removeShutdownHook(new Thread())); } catch (Throwable t) { System.out.println("remove in hook: " + t); } }));
  }
}
