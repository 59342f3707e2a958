// Bytes of CSS, JS and fonts (and HTML, images) that a first load of two pages transfers, from Chromium's network
// events: the sign-in page, and the home page of a user who has just registered. Each load starts with an empty cache.
// Usage: node bench/ui/page_weight.mjs <base url> <label>   (prints one JSON object per page; see page_weight.sh)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// playwright-core is not a dependency of the repository: take it from PLAYWRIGHT_CORE, a global install or /tmp/shots.
const candidates = [process.env.PLAYWRIGHT_CORE, 'playwright-core', '/tmp/shots/node_modules/playwright-core'].filter(Boolean);
let playwright;
for (const c of candidates) { try { playwright = require(c); break; } catch { /* next */ } }
if (!playwright) throw new Error('playwright-core not found; set PLAYWRIGHT_CORE to its folder');

const [baseUrl, label] = process.argv.slice(2);
const browser = await playwright.chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

// BLOCK=<text> aborts every request whose URL holds it (say BLOCK=/_content/Radzen.Blazor/ to project the weight
// once a library is gone); aborted requests transfer nothing and are not counted.
async function blocking(context) {
  if (process.env.BLOCK) await context.route(url => url.href.includes(process.env.BLOCK), route => route.abort());
  return context;
}

const category = type => ({ stylesheet: 'css', script: 'js', font: 'font', document: 'html', image: 'image' })[type] ?? 'other';

/** Loads url in a fresh context (empty cache) and adds up what its responses transferred, by kind. */
async function weigh(page, url, ready) {
  const totals = { css: 0, js: 0, font: 0, html: 0, image: 0, other: 0 };
  const files = [];
  const pending = [];
  page.on('requestfinished', request => pending.push((async () => {
    const sizes = await request.sizes();
    const response = await request.response();
    const kind = category(request.resourceType());
    // The body as it came over the wire (compressed if the server compressed it), without headers.
    totals[kind] += sizes.responseBodySize;
    files.push({ kind, url: request.url().replace(baseUrl, ''), bytes: sizes.responseBodySize, status: response?.status(), encoding: (await response?.allHeaders())?.['content-encoding'] ?? '' });
  })()));
  await page.goto(url, { waitUntil: 'load' });
  await ready(page);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
  await Promise.all(pending);
  return { label, page: url, ...totals, files: files.sort((a, b) => b.bytes - a.bytes) };
}

const signIn = await blocking(await browser.newContext());
const signInPage = await signIn.newPage();
console.log(JSON.stringify(await weigh(signInPage, `${baseUrl}/account/login`, p => p.locator('#email').waitFor())));

const email = `weight-${Date.now()}@example.test`;
await signInPage.goto(`${baseUrl}/account/register`);
await signInPage.fill('#email', email);
await signInPage.fill('#password', 'a-long-enough-password');
await signInPage.fill('#confirm-password', 'a-long-enough-password');
await signInPage.click('#register');
await signInPage.getByRole('heading', { name: `Welcome, ${email}` }).waitFor();
const cookies = (await signIn.cookies()).filter(c => c.name !== 'vwb.theme');
await signIn.close();

const home = await blocking(await browser.newContext());
await home.addCookies(cookies);
const homePage = await home.newPage();
console.log(JSON.stringify(await weigh(homePage, `${baseUrl}/`, async p => {
  await p.locator("main[data-interactive='true']").waitFor();
  await p.getByRole('heading', { name: `Welcome, ${email}` }).waitFor();
})));
await browser.close();
