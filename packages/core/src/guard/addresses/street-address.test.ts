import { describe, expect, it } from "vitest";
import { pipe } from "../../pipe.js";
import { scriptedModel } from "../../testing/scripted-model.js";
import { detectPii } from "../detect-pii.js";
import { guard } from "../guard-middleware.js";
import { createPseudonymizer } from "../pseudonymize.js";
import { streetAddresses } from "./street-address.js";
import { words } from "./street-address-shapes.js";

const found = (text: string) => [...streetAddresses.find(text)].map((s) => text.slice(s.start, s.end));

describe("streetAddresses", () => {
  it.each([
    // English: number, name, type; direction, unit, city, state and ZIP after it
    [
      "Ship it to 1600 Pennsylvania Avenue NW, Washington, DC 20500 please.",
      "1600 Pennsylvania Avenue NW, Washington, DC 20500",
    ],
    ["Office: 350 5th Ave, New York, NY 10118", "350 5th Ave, New York, NY 10118"],
    ["I live at 42 Elm Street, Apt 3B, Portland, OR 97205.", "42 Elm Street, Apt 3B, Portland, OR 97205"],
    ["Drop it at 7 W Main St. Thanks", "7 W Main St."],
    ["Send to Flat 2, 19 Abbey Road, London NW8 9AY today", "Flat 2, 19 Abbey Road, London NW8 9AY"],
    ["We are at 3 George Street, Sydney NSW 2000.", "3 George Street, Sydney NSW 2000"],
    ["moved to 123 main st last week", "123 main st"],
    ["Return to P.O. Box 1020, Austin, TX 78767.", "P.O. Box 1020, Austin, TX 78767"],
    // Germanic: compound or separate type word, number after it, postal code before the city
    ["Bitte an Hauptstraße 12, 10115 Berlin liefern.", "Hauptstraße 12, 10115 Berlin"],
    [
      "Anschrift: Karl-Marx-Allee 90\n10243 Berlin\nDeutschland",
      "Karl-Marx-Allee 90\n10243 Berlin\nDeutschland",
    ],
    ["Berliner Straße 5a, 60311 Frankfurt am Main", "Berliner Straße 5a, 60311 Frankfurt am Main"],
    ["Goethestr. 7 im Hinterhof", "Goethestr. 7"],
    ["Keizersgracht 123, 1015 CJ Amsterdam", "Keizersgracht 123, 1015 CJ Amsterdam"],
    ["Storgatan 4, 111 51 Stockholm", "Storgatan 4, 111 51 Stockholm"],
    ["Wir sind Am Markt 3, 28195 Bremen.", "Am Markt 3, 28195 Bremen"],
    // Romance and Polish: type first; the number before (French) or after the name
    ["Livraison au 12 rue de la Paix, 75002 Paris avant vendredi.", "12 rue de la Paix, 75002 Paris"],
    ["8 bis avenue Jean Jaurès, 69007 Lyon", "8 bis avenue Jean Jaurès, 69007 Lyon"],
    ["Rue de la Loi 16, 1000 Bruxelles", "Rue de la Loi 16, 1000 Bruxelles"],
    ["Envíe a C/ Alcalá, 45, 3º izq., 28014 Madrid, gracias", "C/ Alcalá, 45, 3º izq., 28014 Madrid"],
    ["Indirizzo: Via Roma 10, 00184 Roma (RM) — citofono", "Via Roma 10, 00184 Roma (RM)"],
    ["Rua Augusta, 274, 1100-053 Lisboa", "Rua Augusta, 274, 1100-053 Lisboa"],
    [
      "Av. Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200",
      "Av. Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200",
    ],
    ["ul. Marszałkowska 10/12, 00-590 Warszawa", "ul. Marszałkowska 10/12, 00-590 Warszawa"],
    ["Plaza Mayor, 28012 Madrid", "Plaza Mayor, 28012 Madrid"],
    // numbered roads, casual ordinals, shapes without a type word, units and floors
    ["Venue: 2750 County Road 12, Fort Collins, CO 80524.", "2750 County Road 12, Fort Collins, CO 80524"],
    ["my new apt is 8 w 57th st #7c come by", "8 w 57th st #7c"],
    ["Studio: 71 Stokes Croft, Bristol BS1 3QY.", "71 Stokes Croft, Bristol BS1 3QY"],
    [
      "Calle 60 No. 455, Col. Centro, 97000 Mérida, Yucatán",
      "Calle 60 No. 455, Col. Centro, 97000 Mérida, Yucatán",
    ],
    [
      "Rua Oscar Freire, 379, apto 42, Jardins, São Paulo",
      "Rua Oscar Freire, 379, apto 42, Jardins, São Paulo",
    ],
    [
      "Lessingstr. 14, Hinterhaus, 2. Etage, 60325 Frankfurt am Main",
      "Lessingstr. 14, Hinterhaus, 2. Etage, 60325 Frankfurt am Main",
    ],
    ["Mariahilfer Straße 120/3/14, 1070 Wien", "Mariahilfer Straße 120/3/14, 1070 Wien"],
    ["Kontoret er i Karl Johans gate 22, 0159 Oslo.", "Karl Johans gate 22, 0159 Oslo"],
    ["Toimitusosoite: Mannerheimintie 5 A 7, 00100 Helsinki", "Mannerheimintie 5 A 7, 00100 Helsinki"],
    ["Laan van Meerdervoort 52, 2517 AM Den Haag", "Laan van Meerdervoort 52, 2517 AM Den Haag"],
    [
      "Tokyo office: 1-1-2 Oshiage, Sumida-ku, Tokyo 131-0045, Japan.",
      "1-1-2 Oshiage, Sumida-ku, Tokyo 131-0045, Japan",
    ],
    ["Expéditeur : BP 1234, 13001 Marseille", "BP 1234, 13001 Marseille"],
    ["Antworten an Postfach 10 06 45, 20004 Hamburg.", "Postfach 10 06 45, 20004 Hamburg"],
    [
      "Adres: Rue de la Loi 16 / Wetstraat 16, 1000 Bruxelles",
      "Rue de la Loi 16 / Wetstraat 16, 1000 Bruxelles",
    ],
    ["New mailing address: RR 2 Box 45, Millbrook, AL 36054.", "RR 2 Box 45, Millbrook, AL 36054"],
    ["Renewals go to Box 310, Fort Simpson, NT X0E 0N0.", "Box 310, Fort Simpson, NT X0E 0N0"],
    ["look for N5462 County Road KK, Pardeeville, WI 53954.", "N5462 County Road KK, Pardeeville, WI 53954"],
    [
      "JOHN T MARSH\n2870 OLD HICKORY BLVD\nNASHVILLE TN 37221-1102",
      "2870 OLD HICKORY BLVD\nNASHVILLE TN 37221-1102",
    ],
    ["omw to 1300 s congress ave ste 5 austin tx 78704 lol", "1300 s congress ave ste 5 austin tx 78704"],
    ["chez moi 12 allée des cerisiers 44300 nantes vers 20h", "12 allée des cerisiers 44300 nantes"],
    ["bin gleich da, schillerstr 9 hinterhaus klingel", "schillerstr 9 hinterhaus"],
    [
      "Please forward to 2207 – 1288 W Georgia St, Vancouver, BC V6E 4R3.",
      "2207 – 1288 W Georgia St, Vancouver, BC V6E 4R3",
    ],
    [
      "Mail goes to Apt 2, 140 Grove Ave, Wauwatosa, WI 53213, not",
      "Apt 2, 140 Grove Ave, Wauwatosa, WI 53213",
    ],
    [
      "Seoul office: 27 Seolleung-ro 94-gil, Gangnam-gu, Seoul 06160",
      "27 Seolleung-ro 94-gil, Gangnam-gu, Seoul 06160",
    ],
    [
      "Kedai di 12 Jalan Telawi 3, Bangsar Baru, 59100 Kuala Lumpur.",
      "12 Jalan Telawi 3, Bangsar Baru, 59100 Kuala Lumpur",
    ],
    [
      "Mağaza: Bağdat Caddesi No: 312 D: 5, 34728 Kadıköy/İstanbul",
      "Bağdat Caddesi No: 312 D: 5, 34728 Kadıköy/İstanbul",
    ],
    ["Kancelář: Vinohradská 112, 130 00 Praha 3.", "Vinohradská 112, 130 00 Praha 3"],
    [
      "Showroom: Thames 1885, piso 2, C1414DDG CABA, Argentina",
      "Thames 1885, piso 2, C1414DDG CABA, Argentina",
    ],
    ["Hauptstraße 12 \n10115 Berlin", "Hauptstraße 12 \n10115 Berlin"],
    ["Kedai di 12 Jalan Telawi 3, Bangsar Baru.", "12 Jalan Telawi 3, Bangsar Baru"],
    ["Ranch: RR 4, Site 12, Comp 8 near the hall", "RR 4, Site 12, Comp 8"],
    ["Rural Route 1, Box 88A", "Rural Route 1, Box 88A"],
    ["Büro: Kaiser-Wilhelm-Ring 22, 50672 Köln", "Kaiser-Wilhelm-Ring 22, 50672 Köln"],
    ["Wir wohnen am Kaiserring 5 in Mannheim", "Kaiserring 5"],
    ["Biuro: al. Jerozolimskie 65/79, 00-697 Warszawa", "al. Jerozolimskie 65/79, 00-697 Warszawa"],
    ["abito in via Roma 10 da due anni", "via Roma 10"],
    ["Sede: VIA EMILIA EST 1020 41122 MODENA MO", "VIA EMILIA EST 1020 41122 MODENA MO"],
    ["Tienda en C/Alcalá 45, Madrid", "C/Alcalá 45, Madrid"],
    ["Ostring 4, 65205 Wiesbaden", "Ostring 4, 65205 Wiesbaden"],
    // rural routes and boxes
    ["R.R. 3, Millbrook, AL 36054", "R.R. 3, Millbrook, AL 36054"],
    [
      "Rural Route 12, Site 14, Comp 18, Olds, AB T4H 1P5",
      "Rural Route 12, Site 14, Comp 18, Olds, AB T4H 1P5",
    ],
    ["lease to HC 61 Box 1120, Ketchum, ID 83340 please", "HC 61 Box 1120, Ketchum, ID 83340"],
    ["Star Route 4 Box 9", "Star Route 4 Box 9"],
    ["Postbus 1234, 1000 AB Amsterdam", "Postbus 1234, 1000 AB Amsterdam"],
    ["Apartado de Correos 45, 28080 Madrid", "Apartado de Correos 45, 28080 Madrid"],
    ["Caixa Postal 1234 em Curitiba", "Caixa Postal 1234"],
    ["Casella Postale 10 a Roma", "Casella Postale 10"],
    ["Casilla de correo 123", "Casilla de correo 123"],
    ["Boîte postale 7", "Boîte postale 7"],
    ["Mail: GPO Box 1840, Adelaide SA 5001", "GPO Box 1840, Adelaide SA 5001"],
    ["P.O.Box 17 for cheques", "P.O.Box 17"],
    ["Send cheques to P.O. Box 48210-00100, Nairobi, Kenya.", "P.O. Box 48210-00100, Nairobi, Kenya"],
    ["Écrire à : BP 4521 – 33063 Bordeaux Cedex", "BP 4521 – 33063 Bordeaux Cedex"],
    // lower case, as typed
    ["bin in der hauptstrasse 5 oder", "hauptstrasse 5"],
    ["kan je het sturen naar lange nieuwstraat 7b 3512 pn utrecht", "lange nieuwstraat 7b 3512 pn utrecht"],
    ["kom je naar van woustraat 44 3hg? bel", "van woustraat 44 3hg"],
    ["drop it round 52a ashgrove rd bristol bs7 9lp ta", "52a ashgrove rd bristol bs7 9lp"],
    ["bro im at 3/47 beach rd kohimarama auckland 1071 where", "3/47 beach rd kohimarama auckland 1071"],
    ["mandalo a calle luna 8 bajo izq 28004 madrid porfa", "calle luna 8 bajo izq 28004 madrid"],
    ["il pacco va a via sassari 3 09124 cagliari, citofono", "via sassari 3 09124 cagliari"],
    [
      "lol my flat is 14 whitworth st west manchester m1 5wg come thru",
      "14 whitworth st west manchester m1 5wg",
    ],
    ["pls send to 10 downing st london sw1a 2aa ok", "10 downing st london sw1a 2aa"],
    // floors, units, spaces, fields
    [
      "Taller: C/ Sant Pere Més Alt 23, 2n 1a, 08003 Barcelona",
      "C/ Sant Pere Més Alt 23, 2n 1a, 08003 Barcelona",
    ],
    ["Passeig de Gràcia 55, 4ª planta\n08007 Barcelona", "Passeig de Gràcia 55, 4ª planta\n08007 Barcelona"],
    [
      "Appartement 12, 45 avenue Jean Jaurès, 31000 Toulouse",
      "Appartement 12, 45 avenue Jean Jaurès, 31000 Toulouse",
    ],
    ["Enlèvement au 25 Rue du Commerce, 1000 Bruxelles, merci", "25 Rue du Commerce, 1000 Bruxelles"],
    [
      "Address:   1600  Lakeshore   Rd ,  Burlington ,  ON  L7S 1B3",
      "1600  Lakeshore   Rd ,  Burlington ,  ON  L7S 1B3",
    ],
    ["Mail checks to:\n   PO Box 2291\n   Tulsa, OK 74101", "PO Box 2291\n   Tulsa, OK 74101"],
    ["10442,Hannah Cole,18 Bramble Close,Norwich,NR4 7TJ", "18 Bramble Close,Norwich,NR4 7TJ"],
    [
      "Marcus\n1250 W. Fulton Market, Suite 400\nChicago, IL 60607\nT: +1",
      "1250 W. Fulton Market, Suite 400\nChicago, IL 60607",
    ],
    ["Gewerbepark Süd 12\n34123  Kassel", "Gewerbepark Süd 12\n34123  Kassel"],
    ["adres Jan van Galenstraat 301, 1056 CA Amsterdam, start", "Jan van Galenstraat 301, 1056 CA Amsterdam"],
    ["Адрес: ул. Тверская, д. 12, кв. 5, Москва, 125009", "ул. Тверская, д. 12, кв. 5, Москва, 125009"],
    ["Deliver to 45 Bridge Road Stores, Leeds LS1 4AB today", "45 Bridge Road Stores, Leeds LS1 4AB"],
    // a preposition street needs a city or a postal code, either will do
    ["Wir sind Am Markt 3, Bremen.", "Am Markt 3, Bremen"],
    ["Wir sind Am Markt 3, 28195.", "Am Markt 3, 28195"],
    // at most six pieces are read after a street
    [
      "Rua Alta 1, apto 2, Bairro, Cidade, Estado, Regiao, Pais, Mais.",
      "Rua Alta 1, apto 2, Bairro, Cidade, Estado, Regiao, Pais",
    ],
  ])("finds the address in %j", (text, address) => {
    expect(found(text)).toEqual([address]);
  });

  it.each([
    "Route 66 is closed near Flagstaff.",
    "Install Windows 11 Pro Drive images on 40 laptops.",
    "The Section 230 Court ruling is due.",
    "Meet me at the 5 Star Plaza lobby.",
    "I walked down Oxford Street to 10 Downing.",
    "He lives in Berlin, near the river.",
    "Wir haben 3 Parkplätze und einen Arbeitsplatz 2 frei.",
    "Im Jahr 2024 wuchs der Umsatz.",
    "Der Lösungsweg 3 ist kürzer.",
    "Sent via Slack 2 days ago.",
    "Order via Amazon 3 times a month.",
    "The rue de Rivoli is busy.",
    "Il prezzo è salito in Via Roma.",
    "4 wheel drive and 2 lane road",
    "For sale: Tesla Model 3 Long Range, 2022, 38,000 miles.",
    "Released 12 Great Songs, 2019 Edition.",
    "Blood pressure BP 120 today.",
    "Im Jahr 2024 kam Am Markt 3 nichts an.",
    "Bahnsteig 2, Wagen 14, Platz 63, gute Reise!",
    "Row 12, Seat 7, Section 118, doors open at 6.",
    "Meir 78, 2000 Antwerpen",
    "3 place settings, 12345 guests",
    "Wagen 14 10115 Berlin",
    "RR 2 was 18 per minute.",
    "Box 12 of 30 shipped.",
    "Abfahrt Gleis 9, 10557 Berlin Hauptbahnhof",
    "Sold 1,600 Main Street shares.",
    // real text that is not about addresses, from SciFact abstracts and e-mails
    "During 40 months of follow-up, 12 patients died.",
    "Spring 2020 saw 3 outbreaks.",
    "Receptors signal via VEGF-receptor 2 and via Cyclooxygenase 2.",
    "As shown by Smith et al. Front Microbiol 2014, 5: 12.",
    "Antibodies were from R. Kemler, T. Smith and others.",
    "N-terminal-truncating GATA1 and T-cell-lineage-requisite Gata3 mutations",
    "Cells from 31 African green monkeys were used.",
    "We used the BD Explorer in 2013 and 2014.",
    "You sent $200.00 via Wire Payment today.",
    "HNF3, FoxA and 1, C/EBP bind the enhancer.",
    "Open BD Explorer 12, then restart it.",
    "Gathering 5, the team left early.",
    "It is a signal via Notch 2.",
    "Boulevard Saint-Michel in 2013 was busy.",
  ])("finds nothing in %j", (text) => {
    expect(found(text)).toEqual([]);
  });

  it("reports spans in UTF-16 offsets, two addresses apart and one address once", () => {
    const text = "🚚 From Hauptstraße 12, 10115 Berlin to 12 rue de la Paix, 75002 Paris.";
    const spans = [...streetAddresses.find(text)];
    expect(spans).toEqual([
      { start: 8, end: 36 },
      { start: 40, end: 70 },
    ]);
    // "Rua Augusta" is found by the type word and "Augusta, 274" could be read again: one span.
    expect([...streetAddresses.find("Rua Augusta, 274, Lisboa.")]).toEqual([{ start: 0, end: 24 }]);
  });

  it("joins a bilingual address only across a bare slash, and keeps a type-less street to itself", () => {
    expect(found("Rue de la Loi 16 / see / Wetstraat 16, 1000 Bruxelles")).toEqual([
      "Rue de la Loi 16",
      "Wetstraat 16, 1000 Bruxelles",
    ]);
    // "From Via Roma 10" has no type word of its own: it starts where "Via Roma 10" does.
    expect(
      found("From Via Roma 10, 00184 Roma; Hauptstraße 12, 10115 Berlin; From Via Appia 3, 00179 Roma"),
    ).toEqual(["Via Roma 10, 00184 Roma", "Hauptstraße 12, 10115 Berlin", "Via Appia 3, 00179 Roma"]);
    expect(found("Vinohradská 112, 130 00 Praha 3; Hauptstraße 12, 10115 Berlin")).toEqual([
      "Vinohradská 112, 130 00 Praha 3",
      "Hauptstraße 12, 10115 Berlin",
    ]);
  });

  it("reads a type word in either first-letter case or in capitals, nothing else", () => {
    const street = new RegExp(`^(?:${words("Street")})$`);
    for (const w of ["Street", "street", "STREET"]) expect(street.test(w)).toBe(true);
    for (const w of ["sTREET", "Etreet", "StreeT"]) expect(street.test(w)).toBe(false);
  });

  it("is a recognizer by function for detectPii, the pseudonymizer and the guard", async () => {
    const text = "Call +49 30 12345678 or visit Hauptstraße 12, 10115 Berlin.";
    expect(detectPii(text, { recognizers: [streetAddresses] }).map((s) => [s.type, s.value])).toEqual([
      ["PHONE", "+49 30 12345678"],
      ["STREET_ADDRESS", "Hauptstraße 12, 10115 Berlin"],
    ]);
    const p = createPseudonymizer({ types: [], recognizers: [streetAddresses] });
    expect(p.pseudonymize(text)).toBe("Call +49 30 12345678 or visit <STREET_ADDRESS_1>.");
    expect(p.restore("See you at <STREET_ADDRESS_1>!")).toBe("See you at Hauptstraße 12, 10115 Berlin!");

    const inner = scriptedModel(["ok"]);
    await pipe(
      inner,
      guard({ injection: false, pii: { action: "redact", recognizers: [streetAddresses] } }),
    ).generate({ messages: [{ role: "user", content: "Ship to 42 Elm Street, Portland, OR 97205." }] });
    expect(inner.requests[0]?.messages[0]?.content).toBe("Ship to [redacted:STREET_ADDRESS].");
  });
});
