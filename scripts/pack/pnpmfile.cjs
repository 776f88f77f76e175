// pnpm hooks (pnpm-workspace.yaml names this file). Only `beforePacking` is used: it shapes the
// package.json that goes into a tarball (`pnpm pack`, `pnpm publish`) without touching the file
// in the repository. pnpm records this file's checksum in pnpm-lock.yaml: after editing it, run
// `pnpm install --lockfile-only`.

/** Removes the "@keel/source" condition (it points at ./src/*.ts, which is not published). */
function withoutSourceCondition(target) {
  if (target === null || typeof target !== "object" || Array.isArray(target)) return target;
  const kept = {};
  for (const [condition, value] of Object.entries(target))
    if (condition !== "@keel/source") kept[condition] = withoutSourceCondition(value);
  return kept;
}

module.exports = {
  hooks: {
    beforePacking(pkg) {
      if (pkg.exports !== undefined) pkg.exports = withoutSourceCondition(pkg.exports);
      // Scripts run from the workspace (../../scripts) and dev tools mean nothing to an installer.
      delete pkg.scripts;
      delete pkg.devDependencies;
      return pkg;
    },
  },
};
