from strascico.cli import main

main()
