// Opens a `papaya render --format perfetto` file in the Performance panel of Chromium's bundled
// DevTools (devtools://devtools/bundled/trace_app.html), headless, and saves a screenshot.
// Not run by ctest: it needs Debian's chromium and playwright-core from npm, both outside the
// repo (see docs/render.md, "Checked in a real viewer").
//
//   node devtools_view.js TRACE.json OUT.png [WIDTH HEIGHT]
//   env: NTHREADS  thread tracks to expand (default 11; counted from the top)
//        SELX/SELY a point to click after expanding (selects a slice; its args show below)
//        CHROMIUM  the browser (default /usr/lib/chromium/chromium)
// Prints every console error/warning and page error of the viewer; exits 1 if there was one.
const { chromium } = require('playwright-core');
(async () => {
  const [file, out, w = '1600', h = '760'] = process.argv.slice(2);
  const b = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/lib/chromium/chromium', args: ['--no-sandbox'] });
  const p = await b.newPage({ viewport: { width: +w, height: +h } });
  let problems = 0;
  p.on('console', m => {
    if (['error', 'warning'].includes(m.type())) { problems++; console.log(`console.${m.type()}: ${m.text()}`); }
  });
  p.on('pageerror', e => { problems++; console.log(`pageerror: ${e.message}`); });
  await p.goto('devtools://devtools/bundled/trace_app.html');
  await p.waitForTimeout(3000);
  await p.keyboard.press('Escape');  // "Debugging connection was closed": no page to inspect
  await p.getByText('Performance', { exact: true }).first().click();
  await p.waitForTimeout(1500);
  const [chooser] = await Promise.all([
    p.waitForEvent('filechooser', { timeout: 10000 }),
    p.getByRole('button', { name: /load (profile|trace)/i }).first().click(),
  ]);
  await chooser.setFiles(file);
  await p.waitForTimeout(8000);
  const close = p.getByRole('button', { name: /close/i });  // the shortcuts popover
  for (let i = 0; i < await close.count(); i++) await close.nth(i).click({ timeout: 1000 }).catch(() => {});
  const sidebar = p.getByRole('button', { name: /sidebar/i });
  if (await sidebar.count()) await sidebar.first().click().catch(() => {});
  const shots = p.getByRole('checkbox', { name: /screenshots/i });
  if (await shots.count() && await shots.first().isChecked()) await shots.first().click();
  await p.waitForTimeout(1000);
  // The flame chart is a canvas: expand the process group, then each thread, bottom one first
  // so that the rows above keep their place (header at y=126, threads every 21 px below).
  await p.mouse.click(300, 126);
  await p.waitForTimeout(1500);
  for (let i = +(process.env.NTHREADS || 11) - 1; i >= 0; i--) {
    await p.mouse.click(20, 146 + 21 * i);
    await p.waitForTimeout(300);
  }
  if (process.env.SELX) {
    await p.mouse.click(+process.env.SELX, +process.env.SELY);
    await p.waitForTimeout(1500);
  }
  await p.mouse.move(+w - 10, 5);
  await p.waitForTimeout(500);
  await p.screenshot({ path: out });
  await b.close();
  process.exit(problems ? 1 : 0);
})();
