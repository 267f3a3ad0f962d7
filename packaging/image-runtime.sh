#!/usr/bin/env bash
# The container image's runtime, made without a daemon or a registry (issue 24): a Java runtime cut from the
# build's JDK with jlink, plus the shared libraries it loads, copied from this machine, under ROOT. Jib lays
# ROOT over an empty ("scratch") base, so the image needs nothing but Maven Central and this JDK.
# Usage: image-runtime.sh ROOT
set -euo pipefail
root=$1
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
# The modules esa-server needs (jdeps --print-module-deps of esa-server-slim.jar), plus the providers it finds
# by service lookup: EC keys for TLS, the zip file system.
modules=java.base,java.compiler,java.desktop,java.naming,java.net.http,java.security.jgss,java.sql,jdk.httpserver,jdk.jfr,jdk.management,jdk.net,jdk.unsupported,jdk.crypto.ec,jdk.zipfs

if [ -x "$root/opt/java/bin/java" ] && [ "$root/opt/java/release" -nt "$0" ]; then
  exit 0 # made by an earlier build from this script
fi
rm -rf "$root"
mkdir -p "$root/opt" "$root/tmp" "$root/etc"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=0 --output "$root/opt/java"
# Every library the runtime links against (glibc, zlib, …) and the dynamic loader, at the same paths.
# The AWT, font, image and sound libraries stay out: the server never loads them (java.desktop is there for
# java.beans), and their X11 and font dependencies would triple the image.
find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    -not -name 'libawt*' -not -name 'libjawt.so' -not -name 'libsplashscreen.so' -not -name 'libjsound.so' \
    -not -name 'libfontmanager.so' -not -name 'libjavajpeg.so' -not -name 'liblcms.so' -not -name 'libmlib_image.so' \
    -print0 \
  | xargs -0 ldd 2>/dev/null | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}' | grep -v "^$root" | sort -u \
  | while read -r lib; do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
# A user for the process (uid 1000), and a writable /tmp.
printf 'root:x:0:0:root:/root:/sbin/nologin\nesa:x:1000:1000:esa-bridge:/data:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nesa:x:1000:\n' > "$root/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
chmod 1777 "$root/tmp"
