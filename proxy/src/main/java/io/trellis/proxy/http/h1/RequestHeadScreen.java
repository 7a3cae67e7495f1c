package io.trellis.proxy.http.h1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Rejects what RFC 9112 forbids but Netty's decoder tolerates: obs-fold (a header line starting with
 * SP/HTAB), NUL or bare CR anywhere in the head, and a request line that is not exactly
 * {@code method SP target SP version} with a target free of controls, spaces and non-ASCII.
 *
 * <p>It sits before the decoder and hands it one request head at a time, so it always knows whether
 * bytes are head or body: the connection handler tells it each request's body framing as soon as the
 * decoder produces the request (synchronously, inside the same call). A chunked body is handed over in
 * pieces ending at each {@code CRLF CRLF}, the only place a chunked body can end, so the next head is
 * never passed to the decoder before it has been screened. This is not a second parser: message
 * syntax, lengths and chunk sizes stay with Netty's decoder.
 */
public final class RequestHeadScreen extends ChannelInboundHandlerAdapter {
  private enum State { HEAD, LENGTH, CHUNKED, PASS, FAILED }

  /** Told when a request head starts arriving and when it is complete (for request_headers_timeout). */
  interface HeadWatcher {
    void headStarted();

    void headEnded();
  }

  private HeadWatcher watcher;

  void watch(HeadWatcher watcher) {
    this.watcher = watcher;
  }

  private State state = State.HEAD;
  private long remaining;
  private boolean messageEnded;
  // head scanning
  private int line;
  private int lineLength;
  private int spaces;
  private byte prev;
  private int crlfRun;
  private int bodyCrlfRun;
  private final byte[] version = new byte[8];
  private int versionLength;

  /** The decoder produced a request head; its body follows with this framing. */
  void onHead(long contentLength, boolean chunked) {
    if (state != State.HEAD) {
      return;
    }
    if (chunked) {
      state = State.CHUNKED;
      messageEnded = false;
      bodyCrlfRun = 0;
    } else if (contentLength > 0) {
      state = State.LENGTH;
      remaining = contentLength;
    }
  }

  /** The decoder finished a chunked body. */
  void onMessageEnd() {
    if (state == State.CHUNKED) {
      messageEnded = true;
    }
  }

  /** From now on bytes are a tunnel's, not HTTP's. */
  void passThrough() {
    state = State.PASS;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      while (in.isReadable()) {
        switch (state) {
          case FAILED -> {
            return;
          }
          case PASS -> {
            ctx.fireChannelRead(in.retainedSlice());
            in.skipBytes(in.readableBytes());
          }
          case LENGTH -> {
            int n = (int) Math.min(remaining, in.readableBytes());
            ctx.fireChannelRead(in.readRetainedSlice(n));
            remaining -= n;
            if (remaining == 0 && state == State.LENGTH) {
              resetHead();
            }
          }
          case CHUNKED -> {
            int end = scanBody(in);
            ctx.fireChannelRead(in.readRetainedSlice(end - in.readerIndex()));
            if (messageEnded && state == State.CHUNKED) {
              resetHead();
            }
          }
          case HEAD -> {
            int end = scanHead(in);
            if (state == State.FAILED) {
              ctx.fireChannelRead(failure);
              return;
            }
            ctx.fireChannelRead(in.readRetainedSlice(end - in.readerIndex()));
            if (crlfRun == 4 && state == State.HEAD) {
              resetHead();
            }
          }
        }
      }
    } finally {
      in.release();
    }
  }

  private static final byte[] HTTP_1_PREFIX = {'H', 'T', 'T', 'P', '/', '1', '.'};

  private boolean validVersion() {
    if (versionLength != 8) {
      return false;
    }
    for (int i = 0; i < HTTP_1_PREFIX.length; i++) {
      if (version[i] != HTTP_1_PREFIX[i]) {
        return false;
      }
    }
    return version[7] == '0' || version[7] == '1';
  }

  private void resetHead() {
    versionLength = 0;
    state = State.HEAD;
    line = 0;
    lineLength = 0;
    spaces = 0;
    prev = 0;
    crlfRun = 0;
  }

  /** Scans chunked-body bytes up to and including the next CRLF CRLF; returns the end index (exclusive). */
  private int scanBody(ByteBuf in) {
    int end = in.writerIndex();
    for (int i = in.readerIndex(); i < end; i++) {
      byte b = in.getByte(i);
      if (b == '\r') {
        bodyCrlfRun = bodyCrlfRun == 2 ? 3 : 1;
      } else if (b == '\n' && (bodyCrlfRun == 1 || bodyCrlfRun == 3)) {
        bodyCrlfRun++;
        if (bodyCrlfRun == 4) {
          bodyCrlfRun = 0;
          return i + 1;
        }
      } else {
        bodyCrlfRun = 0;
      }
    }
    return end;
  }

  /** Scans head bytes up to the end of the head (inclusive) or of the buffer; marks FAILED on a violation. */
  private int scanHead(ByteBuf in) {
    // The bytes are copied into this loop's scratch array a block at a time and scanned there: reading
    // them one by one with getByte checks the index and the buffer's liveness for every byte.
    byte[] block = SCRATCH.get();
    int end = in.writerIndex();
    for (int i = in.readerIndex(); i < end; ) {
      int n = Math.min(block.length, end - i);
      in.getBytes(i, block, 0, n);
      for (int k = 0; k < n; k++) {
        if (line > 0 && lineLength > 0 && prev != '\r') {
          // inside a header line only CR, LF and NUL mean anything: skip the rest in a tight loop
          int j = k;
          while (j < n && block[j] != '\r' && block[j] != '\n' && block[j] != 0) {
            j++;
          }
          if (j > k) {
            lineLength += j - k;
            prev = block[j - 1];
            crlfRun = 0;
            k = j - 1;
            continue;
          }
        }
        if (!scanHeadByte(block[k])) {
          if (headViolation != null) {
            String why = headViolation;
            headViolation = null;
            return fail(in, why);
          }
          return i + k + 1;
        }
      }
      i += n;
    }
    return end;
  }

  /** A scratch block per event loop thread (handlers run on their channel's loop only). */
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[2048];
    }
  };

  /** Why the byte just scanned broke the head's rules; set when {@link #scanHeadByte} stops on a violation. */
  private String headViolation;

  /** One head byte; false stops the scan, at the end of the head or on a violation ({@link #headViolation}). */
  private boolean scanHeadByte(byte b) {
    if (b == 0) {
      return violation("NUL in request head");
    }
    if (prev == '\r' && b != '\n') {
      return violation("bare CR in request head");
    }
    if (b == '\r') {
      crlfRun = (crlfRun == 2) ? 3 : 1;
      prev = b;
      return true;
    }
    if (b == '\n') {
      crlfRun = (crlfRun == 1 || crlfRun == 3) ? crlfRun + 1 : 0;
      if (line == 0 && lineLength == 0) {
        // RFC 9112 2.2: an empty line before the request line is ignored
        prev = b;
        return true;
      }
      if (line == 0 && spaces != 2) {
        return violation("request line is not 'method SP target SP version'");
      }
      if (line == 0 && !validVersion()) {
        return violation("HTTP version is not HTTP/1.0 or HTTP/1.1");
      }
      line++;
      lineLength = 0;
      prev = b;
      if (crlfRun == 4) {
        if (watcher != null) {
          watcher.headEnded();
        }
        return false;
      }
      return true;
    }
    if (line == 0 && lineLength == 0 && watcher != null) {
      watcher.headStarted();
    }
    crlfRun = 0;
    if (line == 0) {
      if (b == ' ') {
        if (prev == ' ' || lineLength == 0) {
          return violation("empty token in request line");
        }
        spaces++;
      } else if (b < 0x21 || b == 0x7f || b < 0) {
        return violation("invalid byte in request line");
      } else if (spaces == 2) {
        if (versionLength == version.length) {
          return violation("HTTP version is not HTTP/1.0 or HTTP/1.1");
        }
        version[versionLength++] = b;
      }
    } else if (lineLength == 0 && (b == ' ' || b == '\t')) {
      return violation("obsolete line folding (obs-fold) in header");
    }
    lineLength++;
    prev = b;
    return true;
  }

  private boolean violation(String why) {
    headViolation = why;
    return false;
  }

  private int fail(ByteBuf in, String why) {
    state = State.FAILED;
    in.skipBytes(in.readableBytes());
    failure = new MalformedRequest(400, why);
    return in.readerIndex();
  }

  private MalformedRequest failure;
}
