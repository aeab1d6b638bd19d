// Strings outside ASCII tokenize very differently from English identifiers: compare the counts.

export const greetings: Record<string, string> = {
  en: 'Hello, world! 👋',
  de: 'Grüß Gott, schöne Grüße aus München',
  fr: 'Ça va ? Très bien, merci — à bientôt',
  ja: 'こんにちは世界',
  zh: '你好，世界',
  ru: 'Привет, мир',
  el: 'Γειά σου Κόσμε',
  emoji: '🚀✨🐍 + 🦀 = ❤️',
};

export function greet(locale: string, name = 'Ada'): string {
  const text = greetings[locale] ?? greetings.en;
  return `${text} — ${name} ✅`;
}
