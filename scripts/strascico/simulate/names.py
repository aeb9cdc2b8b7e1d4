"""A small built-in list of common Italian given names and surnames (no real person is meant)."""

FIRST_NAMES = (
    "Giulia", "Marco", "Francesca", "Luca", "Chiara", "Andrea", "Sara", "Matteo", "Valentina", "Alessandro",
    "Martina", "Davide", "Elena", "Simone", "Federica", "Stefano", "Silvia", "Paolo", "Laura", "Giorgio",
    "Anna", "Roberto", "Alessia", "Fabio", "Ilaria", "Antonio", "Serena", "Giuseppe", "Marta", "Daniele",
    "Roberta", "Nicola", "Paola", "Riccardo", "Monica", "Emanuele", "Claudia", "Vincenzo", "Beatrice", "Salvatore",
)
LAST_NAMES = (
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
    "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
    "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
    "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti",
)
PROVINCES = ("RM", "MI", "NA", "TO", "PA", "BA", "FI", "BO", "CT", "SA", "VE", "GE", "CA", "LE", "PE")
SITES = ("Roma", "Milano", "Napoli", "Bari", "Torino")
