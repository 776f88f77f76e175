/** The families of attack the rules look for (OWASP LLM01:2025 and LLM07:2025). */
export type InjectionCategory =
  | "instruction-override"
  | "system-prompt-extraction"
  | "jailbreak-persona"
  | "delimiter-markup"
  | "hidden-text"
  | "encoded-payload"
  | "classifier"
  | "custom";

/**
 * One rule: a pattern over lower-cased, normalized text, and how much a match says. The text is
 * lower-cased once before the rules run, so patterns need no `i` flag (case-insensitive Unicode
 * matching costs more per character than the whole rule otherwise).
 */
export interface InjectionRule {
  id: string;
  category: InjectionCategory;
  /** Probability-like strength of a match on its own, 0–1. */
  weight: number;
  pattern: RegExp;
}

// A gap of up to four words inside one sentence. Words are bounded runs of non-space and each is
// followed by exactly one space (normalized text has single spaces), so a gap can be read only
// five ways: every pattern does bounded work per position, with no catastrophic backtracking.
const GAP = "\\s(?:[^\\s.!?]{1,30}\\s){0,4}?";

// "Forget / ignore / disregard" in the languages attacks arrive in most often.
const OVERRIDE_VERB = [
  "ignor(?:e|es|ed|ing|iere|ieren|ier|a|ar|ez|er|ate|i)",
  "disregard",
  "forget",
  "forgot",
  "overrid(?:e|den)",
  "bypass",
  "abandon",
  "drop",
  "discard",
  "skip",
  "neglect",
  "vergiss",
  "vergessen",
  "missachte[nt]?",
  "olv[ií]d(?:a|e|en|ar|ad|ate|ese|ense)",
  "oubli(?:e|ez|er)",
  "dimentica(?:te)?",
  "esque[cç]a",
  "negeer",
  "vergeet",
  "игнорируй(?:те)?",
  "забудь(?:те)?",
  "zignoruj",
  "zapomnij",
].join("|");

const PRIOR =
  "(?:previous|prior|above|earlier|preceding|foregoing|initial|original|former|old|existing|all|any|every|your|the system|vorherig\\w*|bisherig\\w*|obig\\w*|vorangegangen\\w*|vorangehend\\w*|vorigen|alle[ns]?|deine|ihre|anteriores|previas|todas|tus|sus|précédentes|antérieures|toutes|vos|tes|precedenti|tutte|le tue|anteriores|todas as|suas|vorige|eerdere|alle|предыдущие|все|свои)";

// Adjectives that follow their noun: Romance word order ("las instrucciones anteriores", "les
// consignes précédentes", "le istruzioni precedenti") and English "the instructions above".
const PRIOR_AFTER =
  "(?:above|given\\s+(?:above|earlier|to\\s+you)|you\\s+(?:were|have\\s+been)\\s+given|anteriores|previas|precedentes|pr[ée]c[ée]dent(?:e|es|s)?|ant[ée]rieur(?:e|es|s)?|precedenti|anteriori|previe|iniziali|originales|originali|initiales|iniciales)";
// The nouns that rule, narrower than INSTRUCTIONS: "skip the text above" is an everyday request.
const INSTRUCTION_NOUNS =
  "(?:instructions?|directions|directives|prompts?|rules|guidelines|commands|instrucciones|reglas|indicaciones|órdenes|consignes|instructions|règles|directives|istruzioni|regole|indicazioni|instruções|regras|orientações)";

const INSTRUCTIONS =
  "(?:instructions?|instruct\\w*|directions?|directives?|prompts?|rules|guidelines|commands?|orders|tasks?|assignments|context|programming|guardrails|restrictions|constraints|polic(?:y|ies)|information|text|anweisungen|instruktionen|befehle|aufgaben|aufträge|regeln|angaben|informationen|vorgaben|instrucciones|reglas|órdenes|tareas|consignes|règles|istruzioni|regole|instruções|regras|instructies|opdrachten|инструкции|указания|правила|instrukcje|polecenia)";

// JavaScript's \\b knows only ASCII word characters, even with the u flag, so it never matches
// beside Cyrillic or accented letters; this boundary uses Unicode letters and digits.
// A \\b before a word (a letter or a group follows) becomes a one-sided lookbehind and one after a
// word a lookahead, which costs far less per position than a two-sided boundary.
const WORD = "[\\p{L}\\p{N}_]";
// A negation just before the verb: "do not reveal", "ne révélez pas", "不要透露".
const NEGATED =
  "(?<!(?:不要|不可|不能|别|別|勿|請勿|请勿|절대|하지 마|ne|non|não|nao|no|nicht|kein|don't|do not|never|jamais|nunca|mai|не|nie)\\s{0,2})";
const re = (source: string) =>
  new RegExp(
    source.replace(/\\b(?=([(\p{L}])?)/gu, (_, before: string | undefined) =>
      before ? `(?<!${WORD})` : `(?!${WORD})`,
    ),
    "u",
  );

/** The built-in rules; pass your own with `detectInjection`'s `rules` option to extend them. */
export const INJECTION_RULES: readonly InjectionRule[] = [
  // Instruction override.
  {
    id: "override-instructions",
    category: "instruction-override",
    weight: 0.93,
    pattern: re(`\\b(?:${OVERRIDE_VERB})\\b${GAP}\\b${PRIOR}\\b${GAP}\\b${INSTRUCTIONS}\\b`),
  },
  {
    // The noun before its qualifier: "ignora las instrucciones anteriores", "ignorez les
    // consignes précédentes", "ignore the instructions above". Only the qualifier right after the
    // noun counts, so "ignore the rules of chess above all" is no match.
    id: "override-instructions-noun-first",
    category: "instruction-override",
    weight: 0.93,
    pattern: re(`\\b(?:${OVERRIDE_VERB})\\b${GAP}\\b${INSTRUCTION_NOUNS}\\s+${PRIOR_AFTER}\\b`),
  },
  {
    id: "forget-everything",
    category: "instruction-override",
    weight: 0.9,
    pattern: re(
      "\\b(?:forget|ignore|disregard)\\s+(?:about\\s+)?(?:everything|all(?:\\s+of\\s+that)?(?=\\s*(?:$|[,;:!?]|\\.(?![\\p{L}\\p{N}])|(?:the|these|those|previous|prior|preceding|your|my|of|and|then|now|instructions?|rules|orders|prompts?|safety|morality|ethics|restrictions|guidelines|directives|commands|other|provided|documents|questions|open)\\b))|what\\s+(?:i|you)\\s+(?:said|told|were\\s+told))\\b|\\bvergiss\\s+(?:nun\\s+)?(?:alles|alle)\\b|\\bvergessen\\s+sie\\s+(?:alles|alle)\\b|\\bolvid[ae]\\s+todo\\b|\\boubliez?\\s+tout\\b|\\bdimentica\\s+tutto\\b|\\besque[cç]a\\s+tudo\\b|\\bзабудь\\s+вс[её]\\b",
    ),
  },
  {
    id: "ignore-above",
    category: "instruction-override",
    weight: 0.85,
    pattern: re(
      "\\b(?:ignore|disregard)\\s+(?:the\\s+)?(?:above|previous|preceding|prior)(?![\\p{L}\\p{N}_])(?=\\s*(?:$|[,;:!?.\\])]|(?:and|then|now|instead|completely|entirely|ignore|instructions?|directions?|directives?|inputs?|messages?|conversations?|prompts?|rules|text|context|content|commands?|orders?|tasks?|statements?)\\b))|\\b(?:die\\s+)?obigen\\s+(?:ausführungen|anweisungen)\\s+ignorieren\\b|(?:上記|以上|前述)を?無視|(?:忽略|无视|無視|忽视)(?:以上|上述|上面|前面)|ऊपर\\s*(?:को|के|की|दिए)?.{0,12}?(?:अनदेखा|नजरअंदाज|उपेक्षा|अवहेलना)",
    ),
  },
  {
    id: "new-instructions",
    category: "instruction-override",
    weight: 0.75,
    pattern: re(
      "\\byour\\s+(?:new\\s+)?instructions\\s+are\\s+now\\s+(?:to|the\\s+following)\\b|\\b(?:new|updated|real|actual|true|additional)\\s+(?:instructions?|task|rules|system\\s+prompt)\\s*(?::|follows?\\b)|\\bnow\\s+(?:focus|concentrate)\\s+on\\s+your\\s+new\\s+task\\b|\\bnun\\s+folgen\\s+(?:neue|weitere)\\s+(?:anweisungen|aufgaben)\\b|\\b(?:neue|nueva|nouvelle|nuova)\\s+(?:aufgabe|anweisung|tarea|instrucción|tâche|instruction|compito|istruzione)\\s*:",
    ),
  },
  {
    id: "do-not-follow",
    category: "instruction-override",
    weight: 0.85,
    pattern: re(
      `\\b(?:do\\s+not|don'?t|stop|no\\s+longer|never)\\s+(?:follow(?:ing)?|obey(?:ing)?|adhere\\s+to|comply\\s+with|respect)${GAP}\\b(?:your|the|any|these|those|previous|original|system|openai'?s?)${GAP}\\b(?:instructions|rules|guidelines|polic(?:y|ies)|programming|restrictions)\\b`,
    ),
  },
  {
    id: "instead-output",
    category: "instruction-override",
    weight: 0.6,
    pattern: re(
      "\\b(?:instead|rather)\\s*,?\\s+(?:just\\s+)?(?:say|print|output|write|respond\\s+with|reply\\s+with|answer\\s+with)\\b|\\b(?:do\\s+not|don'?t)\\s+(?:answer|respond\\s+to)\\s+(?:this|the)\\s+question\\b|\\bjust\\s+(?:print|say|output)\\s+\"",
    ),
  },
  {
    // Social engineering: the writer claims to be the one who configures the assistant ("I am
    // your developer", "Soy tu desarrollador"), which a user of the assistant never is.
    id: "claims-authority",
    category: "instruction-override",
    weight: 0.6,
    pattern: re(
      "\\bi(?:\\s+am|'m)\\s+(?:now\\s+)?your\\s+(?:developer|creator|administrator|admin|programmer|owner|maker|master)\\b|\\bsoy\\s+tu\\s+(?:desarrollador|creador|administrador|programador)\\b|\\bje\\s+suis\\s+(?:ton|votre)\\s+(?:développeur|créateur|administrateur|programmeur)\\b|\\bich\\s+bin\\s+deine?\\s+(?:entwickler(?:in)?|schöpfer|administrator|programmierer)\\b|\\bsono\\s+il\\s+tuo\\s+(?:sviluppatore|creatore|amministratore|programmatore)\\b|\\bsou\\s+(?:o\\s+)?seu\\s+(?:desenvolvedor|criador|administrador|programador)\\b|मैं\\s+आपका\\s+(?:डेवलपर|निर्माता|व्यवस्थापक)",
    ),
  },
  {
    // A how-to question ("how do I enable debug mode in Flask?") asks about a product's mode,
    // and "developer mode on my phone" is a place: only a request that the assistant switch, or
    // a statement that the mode is on, counts.
    id: "override-mode",
    category: "instruction-override",
    weight: 0.8,
    pattern: re(
      "\\b(?:system|admin|administrator|developer|debug|maintenance|god|sudo|root)\\s+(?:mode|override|access)\\s+(?:(?:is\\s+(?:now\\s+)?)?(?:enabled|activated|engaged|unlocked)\\b|is\\s+(?:now\\s+)?on\\b|on(?=\\s*(?:[.!:\\n]|$)))|(?<!\\b(?:how\\s+(?:do|can|could|should|would)\\s+(?:i|we|you|one)|how\\s+to|steps\\s+to|(?:a|the|best)\\s+way\\s+to|wie\\s+kann\\s+ich|c[oó]mo)\\s+)\\b(?:enable|activate|enter|switch\\s+to)\\s+(?:developer|debug|admin|god|unrestricted|jailbreak|dan)\\s+mode\\b",
    ),
  },
  {
    // The canonical override ("ignore the previous instructions") in languages without spaces
    // between words or with their own word order, where the word-gap patterns above cannot reach.
    id: "override-instructions-multilingual",
    category: "instruction-override",
    weight: 0.9,
    pattern: new RegExp(
      [
        "(?:忽略|忽视|无视|無視|忘记|忘記|忘掉|不要理会|不要理會).{0,8}?(?:之前|以前|先前|以上|上面|前面|所有|全部|原来|原來|原始).{0,6}?(?:指令|指示|说明|說明|命令|规则|規則|提示|设定|設定)",
        "(?:以前|前|上記|これまで|最初|元)の.{0,6}?(?:指示|命令|指令|ルール|プロンプト|設定)を?.{0,4}?(?:無視|忘れ)",
        "(?:이전|앞의|위의|기존|모든).{0,6}?(?:지시|명령|지침|규칙|프롬프트).{0,6}?(?:무시|잊어)",
        "(?:تجاهل|انس|إنس|اتجاهل).{0,20}?(?:التعليمات|الأوامر|التوجيهات|القواعد|تعليماتك)",
        "(?:पिछले|पहले|सभी|पूर्व).{0,20}?(?:निर्देश|आदेश|नियम).{0,20}?(?:अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल|अवहेलना|उपेक्षा)",
        "(?:আগের|পূর্ববর্তী|পূর্বের|সমস্ত|সব).{0,20}?(?:নির্দেশ|আদেশ|নিয়ম).{0,20}?(?:উপেক্ষা|ভুলে|অগ্রাহ্য)",
        // Thai as NFKC leaves it (sara am split in two): rules read normalized text (a test checks).
        "(?:อย่าไปสนใจ|ไม่ต้องสนใจ|เพิกเฉย|ละเว้น|ละเลย|ลืม).{0,12}?(?:คําแนะนํา|คําสั่ง|ข้อกําหนด|กฎ).{0,12}?(?:ก่อนหน้า|ก่อน|ทั้งหมด|เดิม)",
        "(?:önceki|tüm|bütün).{0,20}?(?:talimat|komut|kural).{0,20}?(?:yok say|görmezden gel|unut)",
        "(?:bỏ qua|quên|phớt lờ).{0,20}?(?:hướng dẫn|chỉ thị|lệnh|quy tắc)",
        "(?:abaikan|lupakan).{0,20}?(?:instruksi|perintah|arahan|aturan)",
        "terlepas dari (?:semua )?(?:tugas|instruksi|perintah|arahan) (?:sebelumnya|di atas)",
        "(?:regardless|irrespective) of (?:the |your |any |all )?(?:previous|prior|earlier|above|original) (?:instructions?|tasks?|prompts?|rules|directions)",
        "(?:huwag pansinin|kalimutan|balewalain).{0,30}?(?:tagubilin|utos|panuto|instruksyon)",
        "(?:zaboravi|ignoriraj|ignoriši|zanemari)(?!\\p{L})(?: sve| sva)?.{0,20}?(?:instrukcij|uput|naredb|pravil)",
        "(?:ignorera|glöm|ignorer|glem|ignoreer|negeer|ignoruj|zignoruj|zapomnij|ignoruj|ignorujte|zapomeňte|zapomeň|ignorați|ignoră|uitați|figyelmen kívül|felejtsd el|αγνόησε|ξέχασε|ігноруй|забудь|игнорируйте|забудьте).{0,30}?(?:instruktion|instruks|instructie|instrukcj|instrukc|instrucțiun|utasítás|οδηγί|інструкці|инструкци|указани|pokyn|polecen)",
      ].join("|"),
      "u",
    ),
  },
  {
    id: "secret-extraction-multilingual",
    category: "system-prompt-extraction",
    weight: 0.7,
    pattern: new RegExp(
      [
        "(?:你的|您的|告诉我|告訴我|透露|显示|顯示).{0,6}?(?:秘密|密钥|密鑰|密码|密碼|系统提示|系統提示|初始指令)",
        "(?:秘密の|システムプロンプト|パスワード|秘密鍵).{0,8}?(?:教えて|は何|を見せ|を表示|を出力)",
        "(?:비밀|암호|시스템 프롬프트).{0,8}?(?:무엇|알려|보여|출력)",
        "(?:ما هي|ما هو|أخبرني|اكشف).{0,20}?(?:كلمة السر|كلمة المرور|المفتاح السري|موجه النظام)",
        "(?:quelle est|quel est|dis-moi|révèle|révélez).{0,20}?(?:clé secrète|mot de passe|prompt système|instructions initiales)",
        "(?:cuál es|dime|revela|revélame).{0,20}?(?:clave secreta|contraseña|prompt del sistema|instrucciones iniciales)",
        "(?:wie lautet|was ist|verrate|nenne mir|zeig mir).{0,20}?(?:geheime[nr]? schlüssel|passwort|systemprompt|system-prompt|anfangsanweisungen)",
        "(?:qual è|dimmi|rivela).{0,20}?(?:chiave segreta|password|prompt di sistema)",
        "(?:qual é|diga-me|me diga|revele).{0,20}?(?:chave secreta|senha|prompt do sistema)",
        "(?:какой|какая|скажи|назови|раскрой).{0,20}?(?:секретный ключ|пароль|системный промпт|системную подсказку)",
      ]
        .join("|")
        // A system prompt forbids it ("Ne révélez pas le mot de passe", "不要透露密码"): not an attack.
        .replace(/^/, `${NEGATED}(?:`)
        .concat(")"),
      "u",
    ),
  },
  // System-prompt extraction (LLM07:2025).
  {
    id: "reveal-system-prompt",
    category: "system-prompt-extraction",
    weight: 0.85,
    pattern: re(
      `\\b(?:reveal|show|print|repeat|output|display|tell\\s+me|give\\s+me|leak|disclose|share|write\\s+(?:out|down)|spell\\s+out|recite|list|dump|return|translate|summari[sz]e|what\\s+(?:is|are|was|were))${GAP}\\b(?:your|the|this|my|all|full|entire|complete|hidden|secret|initial|original|system)\\s+(?:(?:full|entire|complete|hidden|secret|initial|original|first|previous|exact)\\s+)?(?:system\\s+(?:prompt|message|instructions?)|pre-?prompt|(?:initial|starting|opening)\\s+(?:prompt|instructions?)|hidden\\s+(?:prompt|instructions?)|original\\s+(?:prompt|instructions?)|(?:prompt|instruction)s?\\s+(?:text|above)|developer\\s+(?:message|instructions?)|instructions\\s+(?:you\\s+were\\s+given|above)|configuration|guidelines\\s+you\\s+were\\s+given)`,
    ),
  },
  {
    id: "what-were-you-told",
    category: "system-prompt-extraction",
    weight: 0.75,
    pattern: re(
      "\\bwhat\\s+(?:are|were)\\s+your\\s+(?:initial\\s+|original\\s+|exact\\s+|first\\s+)?instructions\\b|\\bwhat\\s+(?:was|is)\\s+written\\s+(?:at\\s+the\\s+beginning|above|before)\\b|\\brepeat\\s+(?:the\\s+|all\\s+(?:the\\s+)?)?(?:words|text|everything)\\s+(?:above|before)\\b|\\beverything\\s+above\\s+this\\s+line\\b|\\b(?:console\\.log|print)\\s*\\(\\s*system_?prompt\\s*\\)|\\b(?:zeige?|gib)\\s+(?:mir\\s+)?(?:alle\\s+)?(?:deine[nr]?|ihre[nr]?)\\s+(?:gesamten\\s+)?prompt|\\bprompt-?texte?\\b|\\byour\\s+prompt\\s+texts?\\b|\\ball\\s+your\\s+prompts?\\b",
    ),
  },
  {
    id: "secret-extraction",
    category: "system-prompt-extraction",
    weight: 0.7,
    pattern: re(
      `\\b(?:reveal|tell\\s+me|give\\s+me|what\\s+is|print|spell|share|disclose|leak)${GAP}\\b(?:the|your)\\s+(?:secret\\s+(?:key|password|word|code|token)|password\\s+you\\s+(?:were|are)|hidden\\s+(?:key|password|word))`,
    ),
  },
  // Jailbreak personas and "no rules" modes.
  {
    id: "dan",
    category: "jailbreak-persona",
    weight: 0.9,
    pattern: re(
      "\\bdo\\s+anything\\s+now\\b|\\btu\\s+(?:alles\\s+jetzt|jetzt\\s+alles)\\b|\\bhaz\\s+cualquier\\s+cosa\\s+ahora\\b|\\bfa[çc]a\\s+qualquer\\s+coisa\\s+agora\\b|\\bfai\\s+qualsiasi\\s+cosa\\s+ora\\b|\\b(?:you\\s+are|act\\s+as|be|called|named|as)\\s+(?:a\\s+)?dan\\b|\\bdan\\s+mode\\b|\\bdeveloper\\s+mode\\s+(?:enabled|output|response)|\\bjailbr(?:oken|eaked)\\b|\\bjailbreak(?:\\s+mode|\\s+prompt\\s*:|ed\\s+mode)\\b|\\[jailbreak\\]|\\banti-?dan\\b|\\bstan\\b\\s*,?\\s+which\\s+stands|\\bdude\\b,?\\s+an?\\s+ai",
    ),
  },
  {
    id: "no-restrictions",
    category: "jailbreak-persona",
    weight: 0.8,
    pattern: re(
      `\\b(?:no|without(?:\\s+any)?|free\\s+(?:of|from)|freed\\s+from|broken\\s+free\\s+(?:of|from)|not\\s+(?:bound|restricted|limited)\\s+by|doesn'?t\\s+(?:have|follow)|does\\s+not\\s+(?:have|follow)|ignores?|abandon(?:ed|s)?)${GAP}\\b(?:ethical|moral|content|safety|openai'?s?|censorship|filters?|restrictions|limitations|guidelines|rules|boundaries|principles|policies|constraints)\\b${GAP}\\b(?:restrictions|limitations|guidelines|rules|filters?|policies|polic(?:y)|boundaries|principles|constraints|ethics|morals|censorship)\\b|\\bnot\\s+bound\\s+by\\s+(?:any\\s+)?(?:rules|morals|ethics|laws|guidelines|restrictions|policies)\\b|\\b(?:you|your|ai|bot|chatbot|assistant|[\\p{L}\\p{N}]*gpt|answers?|responses?|respond|reply|replies|will|always)\\b[^.!?\\n]{0,60}\\bwithout\\s+(?:any\\s+)?(?:remorse|ethics|morals|morality|censorship)\\b`,
    ),
  },
  {
    // A persona invented for the occasion and named after the model: "you are now InsultGPT",
    // "act as BasedGPT". Plain ChatGPT is the assistant's own name, not a persona.
    id: "invented-gpt-persona",
    category: "jailbreak-persona",
    weight: 0.6,
    pattern: re(
      "\\b(?:you\\s+are|you\\s+will\\s+be|you're|act\\s+as|acting\\s+as|roleplay(?:ing)?\\s+as|pretend\\s+to\\s+be|role\\s+of|named|called|simulate|become)\\s+(?:now\\s+)?(?:a\\s+|an\\s+|the\\s+)?(?!chatgpt)[\\p{L}\\p{N}]{2,}-?gpt\\b",
    ),
  },
  {
    id: "unfiltered-ai",
    category: "jailbreak-persona",
    weight: 0.85,
    pattern: re(
      "\\b(?:unfiltered|uncensored|unrestricted|unethical|amoral|immoral|unbound|unchained|unlimited|evil|rogue)\\s+(?:and\\s+\\w+\\s+)?(?:ai|chatbot|bot|assistant|language\\s+model|llm|version\\s+of\\s+(?:chatgpt|gpt|yourself|claude))\\b|\\b(?:openai|anthropic)(?:'s)?\\s+(?:content\\s+)?polic(?:y|ies)\\b|\\bstay\\s+in\\s+character\\b|\\b(?:two|2)\\s+(?:different\\s+)?(?:responses|answers|paragraphs)\\b.{0,80}\\b(?:normal|classic|filtered)\\b|\\[🔓|\\[🔒|\\bnothing\\s+is\\s+off-?limits\\b",
    ),
  },
  {
    id: "pretend-no-limits",
    category: "jailbreak-persona",
    weight: 0.75,
    pattern: re(
      `\\b(?:pretend|imagine|act\\s+as\\s+if|from\\s+now\\s+on)${GAP}\\b(?:you\\s+(?:are|have|can)|to\\s+be)${GAP}\\b(?:no|any|without|unlimited|unrestricted|evil|anything)\\b${GAP}\\b(?:limits|restrictions|rules|filters|ethics|morals|boundaries|consequences|ai)\\b|\\bhypothetical\\s+(?:response|scenario)\\b.{0,60}\\b(?:unfiltered|detailed|evil|illegal)`,
    ),
  },
  // Delimiter and markup attacks.
  {
    id: "chat-markup",
    category: "delimiter-markup",
    weight: 0.85,
    pattern: re(
      "<\\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id)\\|>|\\[/?inst\\]|<<\\/?sys>>|<\\/?(?:system|instructions?|sys|admin|prompt)>|^\\s*#{2,}\\s*(?:system|instruction|new\\s+instructions?)\\b|```\\s*system\\b",
    ),
  },
  {
    id: "role-line",
    category: "delimiter-markup",
    weight: 0.55,
    pattern: re(
      "(?:^|\\n)\\s*(?:system|assistant|ai)\\s*:\\s*(?:you|ignore|new|the\\s+user|from\\s+now|override|i\\s+will|sure)\\b|\\bend\\s+of\\s+(?:the\\s+)?(?:prompt|instructions|system\\s+prompt|context|document|user\\s+input)\\b",
    ),
  },
  {
    id: "escape-padding",
    category: "delimiter-markup",
    weight: 0.5,
    pattern: re(
      "(?:(?<!-)-{8,}|(?<!=)={8,}|(?<!\\*)\\*{8,}|(?<!\\\\n ?)(?:\\\\n ?){6,})(?:\\s{1,4}(?:-{8,}|={8,}|\\*{8,}))?\\s{0,4}(?:ignore|forget|stop|now|new|disregard)\\b",
    ),
  },
];

/**
 * Extra rules for content that should be data (retrieved chunks, tool results, emails, web
 * pages): there, a sentence that talks to the assistant about its answer is an injection, while
 * in a user's own prompt it is an ordinary request. `checkUntrusted` applies them.
 */
export const UNTRUSTED_CONTENT_RULES: readonly InjectionRule[] = [
  {
    id: "addresses-the-answer",
    category: "instruction-override",
    weight: 0.75,
    pattern: re(
      `\\b(?:modify|change|alter|add|include|insert|append|prepend|integrate|incorporate|embed|mention|end|begin|start|finish|format|write|translate|replace|remove|rewrite|respond|reply|answer)\\b${GAP}\\b(?:your|the|each|every)\\s+(?:(?:final|next|whole|entire)\\s+)?(?:answer|response|reply|output|summary|message|completion)s?\\b`,
    ),
  },
  {
    id: "addresses-the-assistant",
    category: "instruction-override",
    weight: 0.7,
    pattern: re(
      "\\b(?:dear|attention|note\\s+to(?:\\s+the)?|hey|hello|instructions?\\s+for(?:\\s+the)?)\\s+(?:ai|assistant|chatbot|language\\s+model|llm|gpt|claude|copilot)\\b|\\b(?:if\\s+you\\s+are\\s+an?|as\\s+an?)\\s+(?:ai|assistant|language\\s+model|llm)\\b[^.!?\\n]{0,40}\\b(?:must|should|need\\s+to|have\\s+to|will)\\b|\\b(?:when|while)\\s+(?:summari[sz]ing|answering|responding|replying|processing)\\b[^.!?\\n]{0,40}\\b(?:you\\s+(?:must|should)|always|also|make\\s+sure)\\b",
    ),
  },
  {
    id: "runs-code-or-visits",
    category: "instruction-override",
    weight: 0.7,
    pattern: re(
      `\\b(?:run|execute|eval|import|install|download|visit|open|click|fetch|send|forward|email|post|upload)\\b${GAP}\\b(?:this|the\\s+following|following|below|attached)\\s+(?:code|script|command|snippet|link|url|file|data|block)\\b|\\b(?:don'?t|do\\s+not)\\s+forget\\s+to\\s+(?:\\w+\\s+){0,2}(?:integrate|include|add|run|execute|send|import)\\b`,
    ),
  },
];
