// Reading a packed .tgz (with the system `tar`, as npm's own tarballs are plain gzip'd tar).
import { execFileSync } from "node:child_process";

/** File paths in the tarball, relative to its `package/` folder. */
export function tarballFiles(tarball) {
  return execFileSync("tar", ["-tzf", tarball], { encoding: "utf8", maxBuffer: 64 << 20 })
    .split("\n")
    .filter((line) => line && !line.endsWith("/"))
    .map((line) => line.replace(/^package\//, ""));
}

/** The text of one file in the tarball. */
export function tarballText(tarball, file) {
  return execFileSync("tar", ["-xzOf", tarball, `package/${file}`], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
}
