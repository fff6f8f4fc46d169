// Small helpers every live view uses: strings, numbers, DOM building, ids, storage.

/** Translated strings the template rendered into <script type="application/json">. */
export function readStrings(id = "pt-strings") {
  const node = document.getElementById(id);
  try {
    return node ? JSON.parse(node.textContent) : {};
  } catch {
    return {};
  }
}

/** The page's language (the server renders it on <html lang>), for plurals and numbers. */
export function pageLocale() {
  return document.documentElement.lang || "en";
}

/**
 * A translator over `strings`: t("votes_left", {n: 3}) fills {n} placeholders.
 * t.count("votes", n) picks `votes_one` or `votes_n` by the page language's plural rules
 * (French says "0 carte", English "0 cards").
 */
export function translator(strings, locale = pageLocale()) {
  let rules;
  try {
    rules = new Intl.PluralRules(locale);
  } catch {
    rules = new Intl.PluralRules("en");
  }
  const t = (key, vars = {}) => {
    const text = strings[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (match, name) => (name in vars ? String(vars[name]) : match));
  };
  t.count = (key, n, vars = {}) => {
    const one = `${key}_one`;
    return t(rules.select(n) === "one" && one in strings ? one : `${key}_n`, { n, ...vars });
  };
  return t;
}

/** A number in the page's language: 3.5 reads "3.5" in English and "3,5" in French. */
export function formatNumber(value, fractionDigits = 0, locale = pageLocale()) {
  try {
    return new Intl.NumberFormat(locale, {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    }).format(value);
  } catch {
    return value.toFixed(fractionDigits);
  }
}

/** Build an element: attributes as given, children as nodes or text (never parsed as HTML). */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A v4 UUID; crypto.randomUUID needs a secure context, so plain-HTTP office LANs fall back. */
export function uuid() {
  if (globalThis.crypto?.randomUUID) {
    try {
      return crypto.randomUUID();
    } catch {
      // not a secure context: fall through
    }
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A tiny keyed list: reuse nodes by key so focus and open editors survive re-renders. */
export function reconcile(container, items, keyOf, create, update) {
  const focused = document.activeElement;
  const existing = new Map();
  for (const node of container.children) existing.set(node.dataset.key, node);
  let previous = null;
  for (const item of items) {
    const key = String(keyOf(item));
    let node = existing.get(key);
    if (node) existing.delete(key);
    else {
      node = create(item);
      node.dataset.key = key;
    }
    update(node, item);
    const expected = previous ? previous.nextSibling : container.firstChild;
    if (node !== expected) container.insertBefore(node, expected);
    previous = node;
  }
  for (const node of existing.values()) node.remove();
  // Moving a focused node blurs it: put focus back so keyboard users keep their place.
  if (focused && focused !== document.activeElement && focused.isConnected) {
    focused.focus({ preventScroll: true });
  }
}

/** Compile the server's PII regexes (Python syntax; the ones we send are JS-compatible). */
export function compilePatterns(sources) {
  const out = [];
  for (const source of sources || []) {
    try {
      out.push(new RegExp(source, "i"));
    } catch {
      // a pattern this browser cannot read is skipped: the server flags it anyway
    }
  }
  return out;
}

class Storage {
  /** localStorage with an in-memory fallback (private browsing, full quota, blocked). */
  constructor() {
    this.memory = new Map();
  }

  get(key, fallback) {
    try {
      const raw = localStorage.getItem(key);
      if (raw !== null) return JSON.parse(raw);
    } catch {
      // fall back to memory
    }
    return this.memory.has(key) ? this.memory.get(key) : fallback;
  }

  set(key, value) {
    this.memory.set(key, value);
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // memory copy stands
    }
  }
}

export const storage = new Storage();

