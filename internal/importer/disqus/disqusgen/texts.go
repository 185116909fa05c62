package disqusgen

// lang is the words of one language's threads and comments; all of them
// are written for this generator.
type lang struct {
	code      string
	link      string // the text of a link
	titles    []string
	authors   []string
	sentences []string
}

var langs = []*lang{
	{
		code: "de", link: "im Archiv",
		titles: []string{
			"Stadtrat beschließt neues Parkkonzept für die Innenstadt",
			"Freibad öffnet nach Sanierung früher als geplant",
			"Buslinie 12 fährt ab Montag im Zehn-Minuten-Takt",
			"Wochenmarkt zieht auf den Rathausplatz",
		},
		authors: []string{"Jonas Becker", "Petra Krüger", "Mehmet Yılmaz", "Sabine Vogt", "Lukas Hahn"},
		sentences: []string{
			"Das hätte man auch schon vor fünf Jahren haben können.",
			"Ich wohne direkt an der Strecke und merke bisher keinen Unterschied.",
			"Weiß jemand, ob die Anwohner vorher gefragt wurden?",
			"Gute Entscheidung, auch wenn die Umsetzung wieder dauern wird.",
			"Die Zahlen im Artikel passen nicht zu denen aus der Ratssitzung.",
			"Mich würde interessieren, wer das am Ende bezahlt.",
			"Danke für den ausführlichen Bericht, so etwas liest man selten.",
			"Am Wochenende war es dort übrigens völlig überfüllt.",
		},
	},
	{
		code: "en", link: "in our archive",
		titles: []string{
			"Council approves late-night opening for the central library",
			"Harbour festival returns with a smaller programme",
			"New cycle lanes: what changes on the ring road",
			"School meals to go organic from September",
		},
		authors: []string{"Sam O'Neill", "Priya Shah", "Tom Fletcher", "Grace Okafor", "Ben Walsh"},
		sentences: []string{
			"About time, to be honest.",
			"I cycle that road every morning and the new layout is a real improvement.",
			"Does anyone know whether the consultation results were published?",
			"The article leaves out who is paying for all of this.",
			"We went on Saturday and the queues were much shorter than last year.",
			"Good to see the council listening for once.",
			"That figure looks far too low to me; the report says something else.",
			"Thanks for following this up, it deserves the attention.",
		},
	},
	{
		code: "es", link: "en la hemeroteca",
		titles: []string{
			"El mercado de invierno amplía su horario",
			"El ayuntamiento aprueba la nueva ordenanza de terrazas",
			"Las obras del tranvía cortan la avenida durante un mes",
			"La biblioteca municipal abrirá también los domingos",
		},
		authors: []string{"Lucía Martín", "Andrés Romero", "Carmen Ruiz", "Javier Ortega", "Rocío Navarro"},
		sentences: []string{
			"Ya era hora de que alguien se ocupara de esto.",
			"Vivo en esa calle y el ruido por las noches es insoportable.",
			"¿Alguien sabe si habrá autobuses alternativos durante las obras?",
			"Buena noticia, aunque llega con dos años de retraso.",
			"El artículo no menciona cuánto va a costar todo esto.",
			"Fuimos el domingo pasado y estaba lleno de familias.",
			"No entiendo por qué no se consultó antes a los vecinos.",
			"Gracias por el reportaje, muy completo.",
		},
	},
	{
		code: "fr", link: "dans nos archives",
		titles: []string{
			"La bibliothèque ouvre désormais jusqu'à 22 heures",
			"Le marché de Noël s'installe place de la République",
			"Travaux du tramway : la rue principale fermée un mois",
			"La cantine scolaire passe au bio à la rentrée",
		},
		authors: []string{"Claire Dubois", "Marc Laurent", "Sophie Girard", "Karim Benali", "Odile Martin"},
		sentences: []string{
			"Il était temps, franchement.",
			"J'habite le quartier et je n'ai rien remarqué pour l'instant.",
			"Quelqu'un sait-il si les riverains ont été consultés ?",
			"Bonne nouvelle, même si la mise en œuvre prendra du temps.",
			"L'article ne dit pas qui va payer la différence.",
			"Nous y sommes allés samedi, il y avait beaucoup de monde.",
			"Ces chiffres ne correspondent pas à ceux du conseil municipal.",
			"Merci pour cet article très complet.",
		},
	},
}
