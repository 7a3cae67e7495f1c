package io.trellis.proxy.http.h1;

/** Passed up the pipeline in place of bytes the screen refused; the connection answers it and closes. */
record MalformedRequest(int status, String details) {}
