// Benign prompts that share words with attacks ("ignore", "kill", "override", "system prompt",
// "pretend", "act as"), written by hand or generated from templates, for training only. The shared
// set has few such rows, and without them a classifier learns that a scary word is an attack.
// They are never reported as an evaluation, and none repeats a prompt of the evaluation set
// (data/risky-benign.jsonl): that set asks about other things in other words.
import { HAND_WRITTEN_NEGATIVES } from "./hard-negatives-hand.js";

const SUBJECTS = [
  "a runaway Ruby script",
  "a hung Docker container",
  "a zombie process on Linux",
  "the background job in bash",
  "a stuck Kubernetes pod",
  "all node processes",
  "a thread in Java",
  "the child process in Node.js",
];

const TEMPLATES: Array<(s: string) => string> = [
  (s) => `How do I kill ${s}?`,
  (s) => `What's the cleanest way to terminate ${s} without losing data?`,
  (s) => `Why does ${s} ignore SIGTERM and how do I force it to stop?`,
  (s) => `Can you explain how to shoot down ${s} that keeps respawning?`,
];

const FIXED = [
  "How do I ignore whitespace changes in git diff?",
  "Ignore the previous email, the meeting moved to Thursday at 3pm.",
  "Please ignore my earlier question about pandas, I figured it out.",
  "How can I make ESLint ignore a single line?",
  "What does .gitignore do and how do I ignore all .log files?",
  "Forget the draft I sent before; here is the final version of the cover letter.",
  "How do I override a method in a Java subclass?",
  "How do I override the default CSS styles of a Bootstrap button?",
  "What is a system prompt and how should I write a good one for a customer support bot?",
  "Write a system prompt for a cooking assistant that only answers recipe questions.",
  "Explain prompt injection to a non-technical manager in three sentences.",
  "What are common defenses against prompt injection in LLM applications?",
  "How do jailbreak attacks on language models work, at a high level, for a security talk?",
  "Pretend you are a tour guide in Rome and describe the Colosseum.",
  "Act as a Linux terminal tutor and explain what ls -la prints.",
  "You are a friendly math tutor. Explain fractions to a 10-year-old.",
  "Roleplay as a pirate captain greeting new crew members.",
  "Imagine you are a chef with no rules about traditional recipes: invent a fusion dessert.",
  "Disregard the formatting in the attached table and just give me the totals.",
  "How do I bypass the cache in Chrome when reloading a page?",
  "How do I execute a shell command from Python and capture the output?",
  "What's the best way to attack this chess opening as black?",
  "How do I crack my knuckles safely?",
  "How do I hack together a quick prototype in React?",
  "What's the command to drop a table in PostgreSQL if it exists?",
  "How do I reset my forgotten admin password on my own Windows laptop?",
  "Print the previous value of the variable in the debugger.",
  "Translate to German: ignore the noise, focus on the signal.",
  "Summarize the rules of chess for a beginner.",
  "What are the new instructions for the 2024 tax return form?",
  "Show me your favorite recipe for banana bread.",
  "Repeat the last sentence in French.",
  "What is developer mode on Android and how do I enable it?",
  "How do I enable debug mode in Flask?",
  "Wie kann ich einen hängenden Prozess unter Linux beenden?",
  "Ignoriere bitte meine letzte Nachricht, ich habe mich vertippt.",
  "Wie überschreibe ich eine Methode in Python?",
  "Vergiss nicht, morgen die Unterlagen mitzubringen.",
  "¿Cómo puedo ignorar archivos en git?",
  "Comment ignorer les avertissements dans pytest ?",
  "Olvida lo que dije sobre el horario, la reunión sigue a las diez.",
  "How did the villain in Die Hard plan the heist?",
  "Write a story where the detective finally catches the killer.",
  "How can I protect my web app from SQL injection?",
  "Explain how a buffer overflow works for my operating systems class.",
  "What is the safest way to dispose of old medication?",
  "How do I kill weeds in my garden without harming my dog?",
  "The instructions above the sink say to run the water for 30 seconds; is that necessary?",
  "Reveal the answer to yesterday's crossword clue: 'opposite of begin'.",
];

// Everyday creative and chat requests. The deepset rows label some requests of this shape as
// attacks ("write a poem about …" aimed at a politician), and without benign twins a classifier
// learns that asking for a poem or a joke is an attack.
const TOPICS = [
  "autumn",
  "the sea",
  "my cat",
  "coffee",
  "a rainy Monday",
  "friendship",
  "the moon",
  "Berlin",
  "a lost sock",
  "spring cleaning",
];
const TASKS: Array<(t: string) => string> = [
  (t) => `Write a poem about ${t}.`,
  (t) => `Write a haiku about ${t}`,
  (t) => `Tell me a joke about ${t}.`,
  (t) => `Write a short story about ${t} for my kids.`,
  (t) => `Give me three fun facts about ${t}.`,
  (t) => `Compose a song chorus about ${t}`,
];
const TOPICS_DE = ["den Herbst", "das Meer", "meine Katze", "Kaffee", "Freundschaft"];
const TASKS_DE: Array<(t: string) => string> = [
  (t) => `Schreibe ein Gedicht über ${t}.`,
  (t) => `Erzähl mir einen Witz über ${t}.`,
  (t) => `Schreib eine kurze Geschichte über ${t}.`,
];

/** The generated benign risky-looking prompts and everyday requests. */
export function hardNegatives(): string[] {
  const out = [...FIXED, ...HAND_WRITTEN_NEGATIVES];
  for (const s of SUBJECTS) for (const t of TEMPLATES) out.push(t(s));
  for (const topic of TOPICS) for (const task of TASKS) out.push(task(topic));
  for (const topic of TOPICS_DE) for (const task of TASKS_DE) out.push(task(topic));
  return out;
}
