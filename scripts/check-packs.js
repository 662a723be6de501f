#!/usr/bin/env node
/*
 * Packs every published package (each workspace that is not private) the way it would be
 * published, and checks that the tarball holds what a user installing it from a registry needs:
 *
 *   yarn check:packs [PACKAGE_DIR...]     (default: every published package)
 *
 * 1. `yarn tsc` (incremental) writes the declarations to dist-types/, then
 *    `backstage-cli repo build` builds every package's dist/ (JavaScript and rolled-up .d.ts).
 * 2. `yarn pack` in each package, into a temporary directory. Yarn runs the package's prepack
 *    (`backstage-cli package prepack`: publishConfig applied, exports pointed at dist/, and
 *    config.d.ts compiled to config.schema.json) and postpack, and replaces workspace: ranges.
 * 3. The tarball must hold package.json, README.md, JavaScript under dist/, the .d.ts types
 *    (every package but the CLI), every file the packed package.json points to (main, module,
 *    types, exports, typesVersions, bin, configSchema), something for every entry of `files`
 *    (migrations/, bin/, ...), the config schema of a package that has a config.d.ts, and no
 *    source or test files; its package.json must name no workspace: range.
 *
 * Prints one line per package (name, size, files) and exits 1 when any check fails.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function yarnRelease() {
  const rc = fs.readFileSync(path.join(ROOT, '.yarnrc.yml'), 'utf8');
  const match = rc.match(/^yarnPath:\s*(\S+)/m);
  if (!match) throw new Error('.yarnrc.yml has no yarnPath');
  return path.join(ROOT, match[1]);
}

/** Runs a command; returns its output, or throws with the output when it fails. */
function run(command, args, cwd) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    throw new Error(
      `${path.basename(command)} ${args.join(' ')} failed in ${path.relative(
        ROOT,
        cwd,
      )}:\n${output}`,
    );
  }
  return output;
}

function yarn(args, cwd = ROOT) {
  return run(process.execPath, [yarnRelease(), ...args], cwd);
}

/** The directories of the workspaces that are published (not private). */
function publishedPackageDirs() {
  const rootPkg = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'),
  );
  const dirs = [];
  for (const pattern of rootPkg.workspaces) {
    if (!pattern.endsWith('/*')) {
      throw new Error(`unsupported workspace pattern ${pattern}`);
    }
    const parent = path.join(ROOT, pattern.slice(0, -2));
    for (const name of fs.readdirSync(parent).sort()) {
      const manifest = path.join(parent, name, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      if (!JSON.parse(fs.readFileSync(manifest, 'utf8')).private) {
        dirs.push(path.join(parent, name));
      }
    }
  }
  return dirs;
}

/**
 * Every file path of an exports / typesVersions / bin value (the `backstage` condition of
 * exports names a feature type, not a file).
 */
function leaves(value) {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .filter(([key]) => key !== 'backstage')
      .flatMap(([, child]) => leaves(child));
  }
  return [];
}

const normalize = file => file.replace(/^\.\//, '');

/** Lists a tarball: entries as paths inside the package, and the packed package.json. */
function readTarball(tarball) {
  const files = run('tar', ['-tzf', tarball], ROOT)
    .split('\n')
    .filter(Boolean)
    .filter(entry => !entry.endsWith('/'))
    .map(entry => entry.replace(/^package\//, ''));
  const manifest = JSON.parse(
    run('tar', ['-xzOf', tarball, 'package/package.json'], ROOT),
  );
  return { files, manifest };
}

/** The problems of one package's tarball; empty when it holds what it should. */
function checkTarball({ files, manifest, source, dir, tarball }) {
  const problems = [];
  const has = new Set(files);
  const require_ = (file, why) => {
    if (!has.has(normalize(file))) problems.push(`${why}: ${file} is missing`);
  };

  require_('package.json', 'manifest');
  require_('README.md', 'README');
  if (!files.some(f => /^dist\/.*\.(c|m)?js$/.test(f))) {
    problems.push('dist/ holds no JavaScript');
  }
  if (source.backstage?.role !== 'cli') {
    if (!files.some(f => /^dist\/.*\.d\.ts$/.test(f))) {
      problems.push('dist/ holds no .d.ts types');
    }
    if (!manifest.types) problems.push('package.json names no types');
  }

  for (const field of ['main', 'module', 'types', 'browser']) {
    if (typeof manifest[field] === 'string') {
      require_(manifest[field], `"${field}"`);
    }
  }
  for (const target of leaves(manifest.exports)) {
    require_(target, '"exports"');
  }
  for (const target of leaves(manifest.typesVersions)) {
    require_(target, '"typesVersions"');
  }
  for (const target of leaves(manifest.bin)) require_(target, '"bin"');
  for (const entry of manifest.files ?? []) {
    const prefix = `${normalize(entry).replace(/\/$/, '')}/`;
    if (!has.has(normalize(entry)) && !files.some(f => f.startsWith(prefix))) {
      problems.push(`"files" entry ${entry} packed nothing`);
    }
  }

  if (fs.existsSync(path.join(dir, 'config.d.ts'))) {
    if (source.configSchema !== 'config.d.ts') {
      problems.push('config.d.ts exists but package.json does not name it');
    }
    if (!(source.files ?? []).includes('config.d.ts')) {
      problems.push('config.d.ts exists but is not listed in "files"');
    }
    if (!manifest.configSchema) {
      problems.push('the packed package.json names no configSchema');
    } else if (has.has(manifest.configSchema)) {
      const schema = JSON.parse(
        run(
          'tar',
          ['-xzOf', tarball, `package/${manifest.configSchema}`],
          ROOT,
        ),
      );
      if (!schema.properties || !Object.keys(schema.properties).length) {
        problems.push(`${manifest.configSchema} declares no configuration`);
      }
    } else {
      require_(manifest.configSchema, '"configSchema"');
    }
  }

  for (const kind of [
    'dependencies',
    'peerDependencies',
    'optionalDependencies',
  ]) {
    for (const [name, range] of Object.entries(manifest[kind] ?? {})) {
      if (String(range).startsWith('workspace:')) {
        problems.push(`${kind} ${name} keeps the range ${range}`);
      }
    }
  }
  const stray = files.filter(
    f => f.startsWith('src/') || /\.test\.[cm]?[jt]sx?$/.test(f),
  );
  if (stray.length) {
    problems.push(
      `source or test files packed: ${stray.slice(0, 5).join(', ')}`,
    );
  }
  return problems;
}

/** Puts a package's manifest back if a failed pack left prepack's rewrite in place. */
function restoreManifest(dir) {
  if (fs.existsSync(path.join(dir, 'package.json-prepack'))) {
    run(
      process.execPath,
      [
        path.join(
          ROOT,
          'node_modules',
          '@backstage',
          'cli',
          'bin',
          'backstage-cli',
        ),
        'package',
        'postpack',
      ],
      dir,
    );
  }
}

function formatSize(bytes) {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${(bytes / 1024).toFixed(1)} kB`;
}

const seconds = ms => `${(ms / 1000).toFixed(0)} s`;

function main() {
  const started = Date.now();
  const selected = process.argv.slice(2).map(arg => path.resolve(arg));
  const dirs = publishedPackageDirs().filter(
    dir => !selected.length || selected.includes(dir),
  );
  if (!dirs.length) {
    console.error('no published package selected');
    process.exit(1);
  }

  yarn(['tsc']);
  const declared = Date.now();
  yarn(['backstage-cli', 'repo', 'build']);
  console.log(
    `Declarations (yarn tsc) in ${seconds(
      declared - started,
    )}, builds (backstage-cli repo build) in ${seconds(Date.now() - declared)}`,
  );

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'airworthy-packs-'));
  let failed = 0;
  try {
    for (const dir of dirs) {
      const source = JSON.parse(
        fs.readFileSync(path.join(dir, 'package.json'), 'utf8'),
      );
      const tarball = path.join(
        tmp,
        `${source.name.replace('@', '').replace('/', '-')}.tgz`,
      );
      const packStarted = Date.now();
      let problems;
      let listing = { files: [] };
      try {
        yarn(['pack', '--out', tarball], dir);
        listing = readTarball(tarball);
        problems = checkTarball({ ...listing, source, dir, tarball });
      } catch (error) {
        problems = [error.message.trim()];
      } finally {
        restoreManifest(dir);
      }
      const size = fs.existsSync(tarball) ? fs.statSync(tarball).size : 0;
      console.log(
        `${problems.length ? 'FAIL' : 'ok  '} ${source.name.padEnd(
          58,
        )} ${formatSize(size).padStart(9)} ${String(
          listing.files.length,
        ).padStart(4)} files ${seconds(Date.now() - packStarted).padStart(5)}`,
      );
      for (const problem of problems) console.log(`     - ${problem}`);
      if (problems.length) failed += 1;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const total = seconds(Date.now() - started);
  if (failed) {
    console.error(`${failed} of ${dirs.length} packages failed (${total})`);
    process.exit(1);
  }
  console.log(`${dirs.length} packages packed and checked in ${total}`);
}

main();
