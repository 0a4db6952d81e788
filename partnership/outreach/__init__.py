"""The cooperation package for the Kazakh side: a catalogue of the Ukrainian institutions open
to cooperation (PDF and XLSX) and the framework memorandum as a specimen, for the embassy."""
