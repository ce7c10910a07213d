package io.jvmhealth.hosts;
final class Placeholder {}
