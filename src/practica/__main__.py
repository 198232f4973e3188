from practica.cli import main

main()
